;; simd.wat: v128 values on the compiling tier where they cross its boundaries, which the spec
;; scripts (one function at a time, called from the host) do not reach: calls between compiled and
;; interpreted functions in both directions with v128 params and results among others (the slots
;; of a v128 are two; the test keeps $interp_mix and $from_interp interpreted with
;; WASMHOST_LLVM_INTERPRET=1,7), call_indirect to both, blocks, ifs and loops with v128 params and
;; results, typed select, v128 globals, and a dropped v128 load that must still trap.
(module
  (type $mix_type (func (param v128 i32 v128) (result i32 v128 i64)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $mix $interp_mix)
  (global $counter (mut v128) (v128.const i32x4 1 2 3 4))
  (global $step v128 (v128.const i16x8 1 -1 2 -2 3 -3 4 -4))
  ;; 0: compiled: (a, k, b) -> (k + lane 0 of a + b, a * b + k (i32x4), the i64 lanes of a xor b summed)
  (func $mix (param $a v128) (param $k i32) (param $b v128) (result i32 v128 i64)
    (i32.add (local.get $k) (i32x4.extract_lane 0 (i32x4.add (local.get $a) (local.get $b))))
    (i32x4.add (i32x4.mul (local.get $a) (local.get $b)) (i32x4.splat (local.get $k)))
    (i64.add (i64x2.extract_lane 0 (v128.xor (local.get $a) (local.get $b)))
             (i64x2.extract_lane 1 (v128.xor (local.get $a) (local.get $b)))))
  ;; 1: interpreted in the test, the same as $mix
  (func $interp_mix (param $a v128) (param $k i32) (param $b v128) (result i32 v128 i64)
    (i32.add (local.get $k) (i32x4.extract_lane 0 (i32x4.add (local.get $a) (local.get $b))))
    (i32x4.add (i32x4.mul (local.get $a) (local.get $b)) (i32x4.splat (local.get $k)))
    (i64.add (i64x2.extract_lane 0 (v128.xor (local.get $a) (local.get $b)))
             (i64x2.extract_lane 1 (v128.xor (local.get $a) (local.get $b)))))
  ;; the three results of a $mix_type call folded into one i64
  (func $fold (param $n i32) (param $v v128) (param $h i64) (result i64)
    (i64.add (i64.extend_i32_u (local.get $n))
      (i64.add (local.get $h)
        (i64.mul (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $v))))))
  (func $a_of (param $x i32) (result v128)
    (i32x4.replace_lane 3 (i32x4.splat (local.get $x)) (i32.const -5)))
  (func $b_of (param $x i32) (result v128)
    (i32x4.add (v128.const i32x4 10 20 30 40) (i32x4.splat (i32.mul (local.get $x) (local.get $x)))))
  ;; 5: a compiled call of the compiled $mix
  (func (export "direct") (param $x i32) (result i64)
    (call $fold (call $mix (call $a_of (local.get $x)) (i32.const 7) (call $b_of (local.get $x)))))
  ;; 6: compiled calling interpreted
  (func (export "to_interp") (param $x i32) (result i64)
    (call $fold (call $interp_mix (call $a_of (local.get $x)) (i32.const 7) (call $b_of (local.get $x)))))
  ;; 7: interpreted in the test, calling compiled $mix
  (func $from_interp (export "from_interp") (param $x i32) (result i64)
    (call $fold (call $mix (call $a_of (local.get $x)) (i32.const 7) (call $b_of (local.get $x)))))
  ;; 8: through the table: $mix (i = 0) or $interp_mix (i = 1)
  (func (export "indirect") (param $x i32) (param $i i32) (result i64)
    (call $fold (call_indirect (type $mix_type) (call $a_of (local.get $x)) (i32.const 7) (call $b_of (local.get $x))
                               (local.get $i))))
  ;; 9: a loop carrying a v128 (n times: acc = acc + step, the counter global stepped too), an if
  ;; with a v128 result, a br out of a block with a v128, select on v128s
  (func (export "blocks") (param $n i32) (result i64)
    (local $v v128)
    (v128.const i64x2 0 0)
    (loop $again (param v128) (result v128)
      (i16x8.add (global.get $step))
      (global.set $counter (i32x4.add (global.get $counter) (i32x4.splat (local.get $n))))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again)) ;; the v128 goes round again
    (local.set $v)
    (block $out (result v128)
      (if (result v128) (i32.and (i32x4.extract_lane 0 (global.get $counter)) (i32.const 1))
        (then (local.get $v))
        (else (i16x8.neg (local.get $v))))
      (br $out))
    (select (result v128) (global.get $counter) (local.get $v) (i32.const 0))
    (i64x2.add)
    (i64x2.extract_lane 0)
    (i64.add (i64x2.extract_lane 1 (local.get $v))))
  ;; 10: a v128.load whose value is dropped: out of bounds, it must still trap
  (func (export "dropped_load") (param $address i32) (result i32)
    (drop (v128.load offset=8 (local.get $address)))
    (drop (v128.load32_zero (local.get $address)))
    (i32.const 1))
;; 11: lanes through memory: store a vector, load lanes back into another, splat a loaded byte
  (func (export "lanes") (param $x i32) (result i64)
    (local $v v128)
    (v128.store (i32.const 100) (i8x16.add (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
                                          (i8x16.splat (local.get $x))))
    (v128.store16_lane 7 (i32.const 200) (i16x8.splat (i32.const 0x1234)))
    (local.set $v (v128.load32_lane 1 (i32.const 104) (v128.load64_splat (i32.const 100))))
    (local.set $v (v128.load8_lane 15 (i32.const 200) (local.get $v)))
    (local.set $v (i64x2.add (local.get $v) (v128.load8x8_s (i32.const 108))))
    (local.set $v (i64x2.add (local.get $v) (v128.load8_splat (i32.const 201))))
    (i64.xor (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $v)))))
