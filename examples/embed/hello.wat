;; hello.wat: calls a host function and adds one to what it returns.
(module $hello
  (import "host" "hello" (func $hello (param i32) (result i32)))
  (import "host" "count" (func $count))
  (func (export "run") (param $n i32) (result i32)
    (call $count)
    (i32.add (call $hello (local.get $n)) (i32.const 1))))
