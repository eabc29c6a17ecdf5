;; minimal.wat: the smallest http guest, as docs/abi.md shows it: status 200 and "OK", no content-type.
(module
  (import "wasmhost_http" "set_status" (func $set_status (param i32)))
  (import "wasmhost_http" "write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "OK")
  (func (export "handle")
    (call $set_status (i32.const 200))
    (drop (call $write (i32.const 0) (i32.const 2)))))
