;; multivalue.wat: functions with several results on the compiling tier: called directly, through
;; the table, from the host (invoke), between the tiers (the test keeps $interp_pair and
;; $from_interp interpreted with WASMHOST_LLVM_INTERPRET=2,7), and blocks, ifs and loops with
;; several params and results.
(module
  (type $pair_type (func (param i32) (result i32 i64)))
  (table 2 funcref)
  (elem (i32.const 0) $pair $interp_pair)
  ;; 0: three results of three types, in another order than the params
  (func $swap3 (export "swap3") (param i32 i64 f64) (result f64 i64 i32)
    (local.get 2) (local.get 1) (local.get 0))
  ;; 1: compiled, two results
  (func $pair (param $x i32) (result i32 i64)
    (i32.add (local.get $x) (i32.const 1))
    (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 1000)))
  ;; 2: interpreted in the test, two results
  (func $interp_pair (param $x i32) (result i32 i64)
    (i32.sub (local.get $x) (i32.const 1))
    (i64.extend_i32_u (i32.mul (local.get $x) (local.get $x))))
  ;; 3: results of a direct call: x + 1 + 1000 x
  (func (export "direct") (param $x i32) (result i64) (local $high i64)
    (call $pair (local.get $x))
    (local.set $high)
    (i64.add (i64.extend_i32_u) (local.get $high)))
  ;; 4: through the table: to $pair (i = 0) or $interp_pair (i = 1)
  (func (export "indirect") (param $x i32) (param $i i32) (result i64) (local $high i64)
    (call_indirect (type $pair_type) (local.get $x) (local.get $i))
    (local.set $high)
    (i64.add (i64.extend_i32_u) (local.get $high)))
  ;; 5: a compiled function calling an interpreted one: x - 1 + x * x
  (func (export "to_interp") (param $x i32) (result i64) (local $high i64)
    (call $interp_pair (local.get $x))
    (local.set $high)
    (i64.add (i64.extend_i32_u) (local.get $high)))
  ;; 6: the two results straight back to the host
  (func (export "pair") (param $x i32) (result i32 i64) (call $pair (local.get $x)))
  ;; 7: interpreted in the test, calling compiled $pair and returning three values
  (func $from_interp (export "from_interp") (param $x i32) (result i32 i64 i32)
    (call $pair (local.get $x))
    (i32.const 7))
  ;; 8: blocks with params and several results, an if with two results, a loop with two params
  ;; (a running pair, changed n - 1 times) and a br out of a block with two values
  (func (export "blocks") (param $n i32) (result i32 i32)
    (local.get $n) (i32.const 0)
    (loop $again (param i32 i32) (result i32 i32)
      (block $step (param i32 i32) (result i32 i32)
        ;; stack: count sum
        (br_if $step (i32.eqz (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (if (param i32 i32) (result i32 i32) (i32.and (local.get $n) (i32.const 1))
          (then (i32.const 10) (i32.add))
          (else (i32.const 1) (i32.add)))
        (br $again (i32.sub (i32.const 1)))))
    ;; both values out of a block by a br
    (block $out (param i32 i32) (result i32 i32)
      (local.set $n)
      (local.get $n)
      (br $out)))
)
