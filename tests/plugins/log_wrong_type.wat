;; log_wrong_type.wat: not a plugin: it imports the host's log with a type the host's does not have.
(module
  (import "wasmhost_plugin" "log" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "wasmhost_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
