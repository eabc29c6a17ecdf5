;; reflect.wat: one import and one export of every kind, for reflection.
(module $reflected
  (import "env" "callback" (func (param i32 f64) (result i64)))
  (import "env" "table" (table 1 funcref))
  (import "env" "memory" (memory 1 2))
  (import "env" "counter" (global (mut i32)))
  (func (export "func") (param i32 f64 f32) (result i32) (i32.const 0))
  (global (export "global") f64 (f64.const 0))
  (table (export "table") 0 50 externref)
  (export "memory" (memory 0)))
