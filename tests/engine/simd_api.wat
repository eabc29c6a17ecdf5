;; simd_api.wat: v128 values through the public API (simd_api_test.c).
(module
  (memory 1)
  (global (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
  (func (export "add") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
  ;; mixed widths: i32, v128, i64 in; i64, v128, i32 out
  (func (export "mixed") (param i32 v128 i64) (result i64 v128 i32)
    (local.get 2)
    (i32x4.replace_lane 0 (local.get 1) (local.get 0))
    (i32x4.extract_lane 3 (local.get 1)))
  (func (export "load") (param i32) (result v128) (v128.load (local.get 0)))
  (func (export "plain") (param i32) (result i32) (local.get 0)))
