;; unknown_wasi.wat: a plugin that imports a WASI function preview 1 does not have.
(module
  (import "wasi_snapshot_preview1" "fd_teleport" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wasmhost_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
