;; no_alloc.wat: not a plugin: no wasmhost_alloc for the host to put the input in.
(module
  (memory (export "memory") 1)
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
