;; table.wat: a funcref table of 2 (at most 10) with $double at 1, and a caller through it.
(module
  (type $unary (func (param i32) (result i32)))
  (table $table (export "table") 2 10 funcref)
  (elem (i32.const 1) $double)
  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (export "square") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $wrong_type (export "wrong_type") (param f32) (result f32) (local.get 0))
  ;; call(x, i) = table[i](x)
  (func (export "call") (param $x i32) (param $i i32) (result i32)
    (call_indirect (type $unary) (local.get $x) (local.get $i)))
  (func (export "size") (result i32) (table.size $table)))
