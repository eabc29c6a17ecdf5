;; memory_reuse_other.wat: for memory_reuse_test.c: other data at other offsets, and a start function that writes memory.
(module
  (memory (export "memory") 1)
  (data (i32.const 4000) "the other module")
  (func $start (i32.store (i32.const 200) (i32.const 0x01020304)))
  (start $start)
  (func (export "noop")))
