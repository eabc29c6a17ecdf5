;; big_memory.wat: a module whose memory minimum (1000 pages, 65536000 bytes) exceeds a small cap,
;; and whose active data segment is placed at its very end.
(module
  (memory 1000)
  (data (i32.const 65535990) "0123456789")
  (func (export "answer") (result i32) (i32.load8_u (i32.const 65535999)))
)
