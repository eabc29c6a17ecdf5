;; wrong_signature.wat: an http-ABI module importing wasmhost_http.write with the wrong type.
(module
  (import "wasmhost_http" "write" (func (param i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "handle")))
