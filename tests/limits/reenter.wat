;; reenter.wat: wasm calling a host function that calls back into wasm, without end.
(module
  (import "env" "reenter" (func $reenter (param i32) (result i32)))
  (func (export "recurse") (param i32) (result i32)
    (call $reenter (i32.add (local.get 0) (i32.const 1))))
)
