;; tiers.wat: calls back and forth between compiled functions and a function left on the
;; interpreter ($interp_get: tier_maps sets WASMHOST_LLVM_INTERPRET=2, as every function of
;; WebAssembly 2.0 without SIMD compiles), a host import, and a trap in each.
(module
  (import "host" "twice" (func $twice (param i32) (result i32)))
  (table $t 2 funcref)
  (elem (i32.const 0) $compiled_square $interp_get)
  (memory 1)
  (type $unary (func (param i32) (result i32)))
  ;; compiled: a loop, a call to the interpreted function and to the host
  (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get $n)))
      (call $interp_get (local.get $n))
      (drop)
      (local.get $acc)
      (i32.add)
      (local.set $acc)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br 0)))
    (call $twice (local.get $acc)))
  ;; interpreted (by the test hook): calls back into compiled code through the table
  (func $interp_get (param $x i32) (result i32 i32)
    (drop (table.get $t (i32.const 0)))
    (call_indirect (type $unary) (local.get $x) (i32.const 0))
    (i32.const 0))
  (func $compiled_square (param $x i32) (result i32) (i32.mul (local.get $x) (local.get $x)))
  (func (export "divide") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "deep_trap") (param i32) (result i32)
    (call $interp_get (i32.const 0))
    (drop)
    (drop)
    (i32.load (i32.const 65536)))
  (func (export "indirect_mismatch") (result i32)
    (call_indirect (param i32) (result i64) (i32.const 0) (i32.const 0)) (drop) (i32.const 0))
)
