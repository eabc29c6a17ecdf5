;; start_log.wat: a plugin whose start function logs, before the host can read its memory.
(module
  (import "wasmhost_plugin" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (func $start (call $log (i32.const 0) (i32.const 1)))
  (start $start)
  (func (export "wasmhost_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
