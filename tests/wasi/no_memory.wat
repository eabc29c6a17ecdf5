;; no_memory.wat: fd_write takes pointers, so a module importing it must export its memory.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (func (export "_start")))
