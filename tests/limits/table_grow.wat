;; table_grow.wat: grows a table in a loop until refused, then traps.
(module
  (table $t 0 funcref)
  (func (export "grow_forever") (result i32)
    (loop $more
      (br_if $more (i32.ne (table.grow $t (ref.null func) (i32.const 1000)) (i32.const -1))))
    unreachable)
  (func (export "grow_until_refused") (result i32)
    (loop $more
      (br_if $more (i32.ne (table.grow $t (ref.null func) (i32.const 1000)) (i32.const -1))))
    (table.size $t))
)
