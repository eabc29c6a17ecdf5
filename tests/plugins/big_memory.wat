;; big_memory.wat: a plugin whose memory starts at 4 MiB (64 pages), over a 1 MiB cap.
(module
  (memory (export "memory") 64)
  (func (export "wasmhost_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (param i32 i32) (result i64) (i64.const 0)))
