;; refuse_table_grow.wat: "change" grows the table: a snapshot must refuse it.
(module
  (table 1 10 funcref)
  (func (export "change") (drop (table.grow 0 (ref.null func) (i32.const 2)))))
