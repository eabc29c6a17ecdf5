;; values.wat: functions for checking how `wasmhost invoke` parses arguments and prints results.
(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "id_i32") (param i32) (result i32) local.get 0)
  (func (export "id_i64") (param i64) (result i64) local.get 0)
  (func (export "id_f32") (param f32) (result f32) local.get 0)
  (func (export "id_f64") (param f64) (result f64) local.get 0)
  (func (export "swap") (param i64 f64) (result f64 i64) local.get 1 local.get 0)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "is_null") (param externref) (result i32) local.get 0 ref.is_null)
  (func (export "nothing"))
  (memory (export "mem") 1)  ;; v128 (SIMD): the CLI reads and prints SHAPE:LANE,... forms
  (func (export "id_v128") (param v128) (result v128) (local.get 0))
  (func (export "add_i32x4") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
)
