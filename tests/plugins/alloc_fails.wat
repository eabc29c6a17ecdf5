;; alloc_fails.wat: a plugin whose wasmhost_alloc never has a buffer to give.
(module
  (memory (export "memory") 1)
  (func (export "wasmhost_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
