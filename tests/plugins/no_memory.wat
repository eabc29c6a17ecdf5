;; no_memory.wat: not a plugin: its memory is not exported.
(module
  (memory 1)
  (func (export "wasmhost_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
