;; unknown_import.wat: a WASI name that does not exist is a link error.
(module
  (import "wasi_snapshot_preview1" "fd_frobnicate" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))
