;; big_table.wat: a table whose minimum (50000 elements) exceeds a small cap.
(module
  (table 50000 funcref)
  (func (export "answer") (result i32) (table.size 0))
)
