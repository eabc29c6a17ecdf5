;; trap.wat: traps at several depths, from WebAssembly and from the host, and a runaway recursion.
(module $traps
  (import "host" "fail" (func $fail))
  (func $divide (export "divide") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $middle (param i32) (result i32) (call $divide (local.get 0) (i32.const 0)))
  (func $outer (export "outer") (param i32) (result i32) (call $middle (local.get 0)))
  (func $via_host (export "via_host") (call $fail))
  (func $unreachable (export "unreachable") (unreachable))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
