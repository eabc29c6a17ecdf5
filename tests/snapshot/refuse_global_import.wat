;; refuse_global_import.wat: a mutable imported global is the importer's: a snapshot must refuse it.
(module
  (import "env" "counter" (global (mut i32)))
  (memory 1)
  (func (export "change") (global.set 0 (i32.const 1))))
