;; unknown_import.wat: an http-ABI module importing a wasmhost_http function that does not exist.
(module
  (import "wasmhost_http" "teleport" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "handle")))
