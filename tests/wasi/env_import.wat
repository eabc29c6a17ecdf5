;; env_import.wat: `wasmhost run` provides nothing but WASI.
(module
  (import "env" "helper" (func))
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")))
