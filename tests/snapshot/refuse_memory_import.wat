;; refuse_memory_import.wat: the memory is the importer's: a snapshot must refuse it.
(module
  (import "env" "memory" (memory 1))
  (func (export "change") (i32.store (i32.const 0) (i32.const 1))))
