;; foreign_import.wat: not a plugin: it imports a function the host does not give plugins.
(module
  (import "env" "lookup" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wasmhost_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
