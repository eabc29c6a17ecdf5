;; no_plugin_export.wat: not a plugin: no export of the shape (i32 ptr, i32 len) -> (i64).
(module
  (memory (export "memory") 1)
  (func (export "wasmhost_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i32) (i32.const 0)))
