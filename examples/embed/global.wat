;; global.wat: imported and defined globals, constant and mutable, read and written from both sides.
(module
  (global $imported_const (import "host" "const_f32") f32)
  (global $imported_var (import "host" "var_i64") (mut i64))
  (global $defined_const (export "const_i32") i32 (i32.const 7))
  (global $defined_var (export "var_f64") (mut f64) (f64.const 1.5))
  (global $reference (export "ref") (mut externref) (ref.null extern))
  (export "var_i64" (global $imported_var))
  (func (export "get_imported_const") (result f32) (global.get $imported_const))
  (func (export "get_imported_var") (result i64) (global.get $imported_var))
  (func (export "set_imported_var") (param i64) (global.set $imported_var (local.get 0)))
  (func (export "get_defined_var") (result f64) (global.get $defined_var))
  (func (export "set_defined_var") (param f64) (global.set $defined_var (local.get 0)))
  (func (export "get_ref") (result externref) (global.get $reference)))
