;; refuse_table_set.wat: "change" writes a function into the table: a snapshot must refuse it.
(module
  (table 2 funcref)
  (memory 1)
  (func $f)
  (elem declare func $f)
  (func (export "change") (table.set 0 (i32.const 1) (ref.func $f))))
