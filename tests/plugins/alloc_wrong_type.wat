;; alloc_wrong_type.wat: not a plugin: wasmhost_alloc takes two parameters.
(module
  (memory (export "memory") 1)
  (func (export "wasmhost_alloc") (param i32 i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
