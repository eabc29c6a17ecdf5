;; memory_reuse_offset.wat: for memory_reuse_test.c: data at an offset read from an imported global (not the same for every instance).
(module
  (import "env" "offset" (global $offset i32))
  (memory (export "memory") 1)
  (data (global.get $offset) "moved")
  (func (export "noop")))
