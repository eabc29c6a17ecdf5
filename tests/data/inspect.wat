;; inspect.wat: one of each kind of definition, for the `wasmhost inspect` test (built with --debug-names).
(module $demo
  (type $unary (func (param i32) (result i32)))
  (import "env" "f" (func (param i64)))
  (table 3 10 funcref)
  (memory 1 2)
  (global $counter (mut i32) (i32.const 42))
  (func $double (type $unary) local.get 0 i32.const 2 i32.mul)
  (export "double" (func $double))
  (export "mem" (memory 0))
  (export "counter" (global $counter))
  (elem (i32.const 0) $double)
  (data (i32.const 16) "hello"))
