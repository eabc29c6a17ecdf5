;; refuse_elem_drop.wat: "change" drops a passive element segment: a snapshot must refuse it.
(module
  (table 1 funcref)
  (func $f)
  (elem $passive func $f)
  (func (export "change") (elem.drop $passive)))
