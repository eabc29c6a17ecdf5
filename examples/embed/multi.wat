;; multi.wat: several parameters and several results, through the host and back.
(module
  (import "host" "reverse" (func $reverse (param i32 i64 f32 f64) (result f64 f32 i64 i32)))
  (func (export "reverse_twice") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
    (call $reverse (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (call $reverse_again))
  ;; takes the host's results (f64 f32 i64 i32) and puts them back in order (i32 i64 f32 f64)
  (func $reverse_again (param $d f64) (param $c f32) (param $b i64) (param $a i32) (result i32 i64 f32 f64)
    (local.get $a) (local.get $b) (local.get $c) (local.get $d))
  (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b)) (i32.rem_u (local.get $a) (local.get $b))))
