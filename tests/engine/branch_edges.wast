;; branch_edges.wast: the eqz forms of compare-and-branch (BR_UNLESS, BR_IF, BR_IF_I64_EQZ,
;; BR_IF_I64_NEZ) forward and back, and the edges of the fusion: a comparison that must not be
;; fused (its result kept in a local, a local changed or a copy made between the comparison and
;; the branch), i32 operands whose slot holds garbage in its upper 32 bits, and br_if carrying
;; values of every type to outer blocks and to the function (the fused branch then skips the
;; value copies, so it tests the inverse comparison). See README.md for the annotations.

;; ---- eqz: i32.eqz + br_if jumps on zero (BR_UNLESS), + if on non-zero (BR_IF) ----
(module
  ;; expect-code: eqz_br_if: BR_UNLESS
  ;; expect-no-code: eqz_br_if: I32_EQZ BR_IF
  (func (export "eqz_br_if") (param i32) (result i32)
    (block (br_if 0 (i32.eqz (local.get 0))) (return (i32.const 10)))
    (i32.const 20))
  ;; expect-code: eqz_if: BR_IF
  ;; expect-no-code: eqz_if: I32_EQZ BR_UNLESS
  (func (export "eqz_if") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 20)) (else (i32.const 10))))
  ;; A branch on a plain value: BR_IF, and an if on it: BR_UNLESS.
  ;; expect-code: plain_br_if: BR_IF
  ;; expect-no-code: plain_br_if: BR_UNLESS
  (func (export "plain_br_if") (param i32) (result i32)
    (block (br_if 0 (local.get 0)) (return (i32.const 10)))
    (i32.const 20))
  ;; expect-code: plain_if: BR_UNLESS
  ;; expect-no-code: plain_if: BR_IF
  (func (export "plain_if") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 20)) (else (i32.const 10))))
  ;; i64.eqz looks at all 64 bits: 0x100000000 is not zero.
  ;; expect-code: eqz64_br_if: BR_IF_I64_EQZ
  ;; expect-no-code: eqz64_br_if: I64_EQZ BR_IF BR_UNLESS
  (func (export "eqz64_br_if") (param i64) (result i32)
    (block (br_if 0 (i64.eqz (local.get 0))) (return (i32.const 10)))
    (i32.const 20))
  ;; expect-code: eqz64_if: BR_IF_I64_NEZ
  ;; expect-no-code: eqz64_if: I64_EQZ BR_IF BR_UNLESS
  (func (export "eqz64_if") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 20)) (else (i32.const 10))))

  ;; The same forms as loop back-edges. Counts up to n: loops while !(k >= n) (BR_UNLESS{BACK}).
  ;; expect-code: count_up: BR_UNLESS{BACK} I32_GE_U
  ;; expect-no-code: count_up: I32_EQZ BR_IF_I32_GE_U{BACK}
  ;; expect-invoke: count_up 7 -> 7
  (func (export "count_up") (param $n i32) (result i32) (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.eqz (i32.ge_u (local.get $k) (local.get $n)))))
    (local.get $k))
  ;; Counts down while the counter is non-zero (BR_IF{BACK} on a local).
  ;; expect-code: count_down: BR_IF{BACK}
  ;; expect-invoke: count_down 9 -> 45
  (func (export "count_down") (param $n i32) (result i32) (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $sum))
  ;; Trailing zeros of a non-zero i64, one shift per iteration (BR_IF_I64_EQZ{BACK}).
  ;; expect-code: ctz64: BR_IF_I64_EQZ{BACK}
  ;; expect-no-code: ctz64: I64_EQZ
  ;; expect-invoke: ctz64 4294967296 -> 32
  ;; expect-invoke: ctz64 -9223372036854775808 -> 63
  (func (export "ctz64") (param $x i64) (result i32) (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (local.set $x (i64.shr_u (local.get $x) (i64.const 1)))
      (br_if $l (i64.eqz (i64.and (local.get $x) (i64.const 1)))))
    (local.get $k)))

(assert_return (invoke "eqz_br_if" (i32.const 0)) (i32.const 20))
(assert_return (invoke "eqz_br_if" (i32.const 1)) (i32.const 10))
(assert_return (invoke "eqz_br_if" (i32.const -2147483648)) (i32.const 10))
(assert_return (invoke "eqz_if" (i32.const 0)) (i32.const 20))
(assert_return (invoke "eqz_if" (i32.const -1)) (i32.const 10))
(assert_return (invoke "plain_br_if" (i32.const 0)) (i32.const 10))
(assert_return (invoke "plain_br_if" (i32.const -2147483648)) (i32.const 20))
(assert_return (invoke "plain_if" (i32.const 0)) (i32.const 10))
(assert_return (invoke "plain_if" (i32.const 2)) (i32.const 20))
(assert_return (invoke "eqz64_br_if" (i64.const 0)) (i32.const 20))
(assert_return (invoke "eqz64_br_if" (i64.const 0x100000000)) (i32.const 10))
(assert_return (invoke "eqz64_br_if" (i64.const -1)) (i32.const 10))
(assert_return (invoke "eqz64_if" (i64.const 0)) (i32.const 20))
(assert_return (invoke "eqz64_if" (i64.const 0x8000000000000000)) (i32.const 10))
(assert_return (invoke "eqz64_if" (i64.const 0x100000000)) (i32.const 10))
(assert_return (invoke "count_up" (i32.const 0)) (i32.const 1))
(assert_return (invoke "count_up" (i32.const 1)) (i32.const 1))
(assert_return (invoke "count_up" (i32.const 7)) (i32.const 7))
(assert_return (invoke "count_down" (i32.const 1)) (i32.const 1))
(assert_return (invoke "count_down" (i32.const 9)) (i32.const 45))
(assert_return (invoke "ctz64" (i64.const 3)) (i32.const 1))
(assert_return (invoke "ctz64" (i64.const 4)) (i32.const 2))
(assert_return (invoke "ctz64" (i64.const 0x100000000)) (i32.const 32))
(assert_return (invoke "ctz64" (i64.const 0x8000000000000000)) (i32.const 63))

;; ---- comparisons that must not be fused ----
(module
  ;; The comparison's result goes to a local (local.tee): it is computed, then branched on.
  ;; expect-code: tee_cond: I32_LT_S BR_IF
  ;; expect-no-code: tee_cond: BR_IF_I32_LT_S
  (func (export "tee_cond") (param $a i32) (param $b i32) (result i32) (local $c i32) (local $r i32)
    (block
      (br_if 0 (local.tee $c (i32.lt_s (local.get $a) (local.get $b))))
      (local.set $r (i32.const 10)))
    (i32.add (local.get $c) (local.get $r)))
  ;; An operand of the comparison changes between the comparison and the br_if: the branch
  ;; must use the value compared before (a fused branch would read the new one).
  ;; expect-code: changed_between: I32_LT_S BR_IF
  ;; expect-no-code: changed_between: BR_IF_I32_LT_S
  (func (export "changed_between") (param $a i32) (param $b i32) (result i32)
    (block
      local.get $a
      local.get $b
      i32.lt_s
      i32.const 100
      local.set $a
      br_if 0
      (return (i32.const 0)))
    (i32.const 1))
  ;; The same, the new value computed by an i32.add (its result written to the local directly).
  ;; expect-code: changed_by_add: I32_LT_U BR_IF I32_ADD
  ;; expect-no-code: changed_by_add: BR_IF_I32_LT_U I32_ADD_BR_IF_LT_U
  (func (export "changed_by_add") (param $a i32) (param $b i32) (result i32)
    (block
      local.get $a
      local.get $b
      i32.lt_u
      local.get $b
      i32.const 100
      i32.add
      local.set $a
      br_if 0
      (return (local.get $a)))
    (i32.sub (i32.const 0) (local.get $a)))
  ;; An if with a parameter: entering it copies the pending operand home after the comparison,
  ;; so the comparison is no longer the last instruction.
  ;; expect-code: if_param: I32_LT_S BR_UNLESS
  ;; expect-no-code: if_param: BR_IF_I32_GE_S
  (func (export "if_param") (param $x i32) (param $a i32) (param $b i32) (result i32)
    (local.get $x)
    (if (param i32) (result i32) (i32.lt_s (local.get $a) (local.get $b))
      (then (i32.const 1000) (i32.add))
      (else (i32.const 2000) (i32.add)))))

(assert_return (invoke "tee_cond" (i32.const 1) (i32.const 2)) (i32.const 1))
(assert_return (invoke "tee_cond" (i32.const 2) (i32.const 1)) (i32.const 10))
(assert_return (invoke "tee_cond" (i32.const -1) (i32.const 1)) (i32.const 1))
(assert_return (invoke "changed_between" (i32.const 1) (i32.const 3)) (i32.const 1))
(assert_return (invoke "changed_between" (i32.const 200) (i32.const 150)) (i32.const 0))
(assert_return (invoke "changed_by_add" (i32.const 1) (i32.const 3)) (i32.const -103))
(assert_return (invoke "changed_by_add" (i32.const 5) (i32.const 3)) (i32.const 103))
(assert_return (invoke "if_param" (i32.const 7) (i32.const 1) (i32.const 2)) (i32.const 1007))
(assert_return (invoke "if_param" (i32.const 7) (i32.const 2) (i32.const 1)) (i32.const 2007))

;; ---- i32 operands with garbage in the upper half of their slot ----
;; An i32 lives in the low 32 bits of its slot; the upper bits are unspecified. Here the slot
;; first holds an i64 ($x), then f32.ceil writes only the low 32 bits of the same slot, which is
;; reinterpreted as an i32: the fused branches must look at the low 32 bits only.
(module
  ;; expect-code: dirty_eqz: F32_CEIL BR_UNLESS
  ;; expect-no-code: dirty_eqz: I32_EQZ
  (func (export "dirty_eqz") (param $x i64) (param $f f32) (result i32)
    (drop (i64.or (local.get $x) (local.get $x)))
    (block
      (br_if 0 (i32.eqz (i32.reinterpret_f32 (f32.ceil (local.get $f)))))
      (return (i32.const 0)))
    (i32.const 1))
  ;; expect-code: dirty_eq: F32_CEIL BR_IF_I32_EQ
  ;; expect-no-code: dirty_eq: I32_EQ
  (func (export "dirty_eq") (param $x i64) (param $f f32) (param $y i32) (result i32)
    (drop (i64.or (local.get $x) (local.get $x)))
    (block
      (br_if 0 (i32.eq (i32.reinterpret_f32 (f32.ceil (local.get $f))) (local.get $y)))
      (return (i32.const 0)))
    (i32.const 1))
  ;; expect-code: dirty_lt_u: F32_CEIL BR_IF_I32_LT_U
  ;; expect-no-code: dirty_lt_u: I32_LT_U
  (func (export "dirty_lt_u") (param $x i64) (param $f f32) (param $y i32) (result i32)
    (drop (i64.or (local.get $x) (local.get $x)))
    (block
      (br_if 0 (i32.lt_u (i32.reinterpret_f32 (f32.ceil (local.get $f))) (local.get $y)))
      (return (i32.const 0)))
    (i32.const 1))
  ;; An if jumps on the inverse comparison (here GE_S) and must read the low half as well.
  ;; expect-code: dirty_if_lt_s: F32_CEIL BR_IF_I32_GE_S
  (func (export "dirty_if_lt_s") (param $x i64) (param $f f32) (param $y i32) (result i32)
    (drop (i64.or (local.get $x) (local.get $x)))
    (if (result i32) (i32.lt_s (i32.reinterpret_f32 (f32.ceil (local.get $f))) (local.get $y))
      (then (i32.const 1)) (else (i32.const 0)))))

;; f32 +0.0 is the i32 0, f32 1.0 is 0x3f800000 (1065353216), f32 -1.0 is 0xbf800000.
(assert_return (invoke "dirty_eqz" (i64.const 0x100000000) (f32.const 0)) (i32.const 1))
(assert_return (invoke "dirty_eqz" (i64.const -4294967296) (f32.const 0)) (i32.const 1))
(assert_return (invoke "dirty_eqz" (i64.const 0) (f32.const 1)) (i32.const 0))
(assert_return (invoke "dirty_eq" (i64.const -4294967296) (f32.const 1) (i32.const 1065353216)) (i32.const 1))
(assert_return (invoke "dirty_eq" (i64.const 0x700000000) (f32.const 1) (i32.const 1065353217)) (i32.const 0))
(assert_return (invoke "dirty_lt_u" (i64.const -4294967296) (f32.const 1) (i32.const 1065353217)) (i32.const 1))
(assert_return (invoke "dirty_lt_u" (i64.const -4294967296) (f32.const 1) (i32.const 1065353216)) (i32.const 0))
(assert_return (invoke "dirty_if_lt_s" (i64.const 0x7fffffff00000000) (f32.const -1) (i32.const 0)) (i32.const 1))
(assert_return (invoke "dirty_if_lt_s" (i64.const -4294967296) (f32.const 1) (i32.const 0)) (i32.const 0))

;; ---- br_if with values: to outer blocks, to the function, of every type ----
;; When the values are not where the target block expects them, br_if becomes a fused branch on
;; the inverse comparison that skips the copies and the jump; when they are, the fused branch
;; jumps directly.
(module
  (func $g)
  (elem declare func $g)
  ;; expect-code: brv_i32: BR_IF_I32_GE_U COPY BR
  ;; expect-no-code: brv_i32: BR_IF_I32_LT_U I32_LT_U
  (func (export "brv_i32") (param $v i32) (param $a i32) (param $b i32) (result i32)
    (block $out (result i32)
      (drop (br_if $out (local.get $v) (i32.lt_u (local.get $a) (local.get $b))))
      (i32.const -7)))
  ;; expect-code: brv_i64: BR_IF_I64_LE_S COPY BR
  ;; expect-no-code: brv_i64: BR_IF_I64_GT_S I64_GT_S
  (func (export "brv_i64") (param $v i64) (param $a i64) (param $b i64) (result i64)
    (block $out (result i64)
      (drop (br_if $out (local.get $v) (i64.gt_s (local.get $a) (local.get $b))))
      (i64.const -7)))
  ;; expect-code: brv_f32: BR_IF_I64_NE COPY BR
  ;; expect-no-code: brv_f32: BR_IF_I64_EQ I64_EQ
  (func (export "brv_f32") (param $v f32) (param $a i64) (param $b i64) (result f32)
    (block $out (result f32)
      (drop (br_if $out (local.get $v) (i64.eq (local.get $a) (local.get $b))))
      (f32.const -7)))
  ;; expect-code: brv_f64: BR_IF_I32_LT_S COPY BR
  ;; expect-no-code: brv_f64: BR_IF_I32_GE_S I32_GE_S
  (func (export "brv_f64") (param $v f64) (param $a i32) (param $b i32) (result f64)
    (block $out (result f64)
      (drop (br_if $out (local.get $v) (i32.ge_s (local.get $a) (local.get $b))))
      (f64.const -7)))
  ;; expect-code: brv_externref: BR_IF_I64_NEZ COPY BR
  ;; expect-no-code: brv_externref: BR_IF_I64_EQZ I64_EQZ
  (func (export "brv_externref") (param $v externref) (param $a i64) (result externref)
    (block $out (result externref)
      (drop (br_if $out (local.get $v) (i64.eqz (local.get $a))))
      (ref.null extern)))
  ;; The funcref value is computed (REF_FUNC) into a slot above the target's, from inside an
  ;; inner block: copied down before the jump. Returns whether the result is null.
  ;; expect-code: brv_funcref: REF_FUNC BR_IF_I32_LE_U COPY BR
  ;; expect-no-code: brv_funcref: BR_IF_I32_GT_U I32_GT_U
  (func (export "brv_funcref") (param $a i32) (param $b i32) (result i32)
    (ref.is_null
      (block $out (result funcref)
        (drop
          (block $in (result i32)
            (local.get $a)
            (drop (br_if $out (ref.func $g) (i32.gt_u (local.get $a) (local.get $b))))))
        (ref.null func))))
  ;; Four values of four types at once, two blocks out.
  ;; expect-code: brv_multi: BR_IF_I64_GE_U BR
  ;; expect-no-code: brv_multi: BR_IF_I64_LT_U I64_LT_U
  (func (export "brv_multi") (param $i i32) (param $j i64) (param $f f32) (param $d f64) (param $a i64) (param $b i64)
        (result i32 i64 f32 f64)
    (block $out (result i32 i64 f32 f64)
      (block $in
        (br_if $out (local.get $i) (local.get $j) (local.get $f) (local.get $d)
                    (i64.lt_u (local.get $a) (local.get $b)))
        (drop) (drop) (drop) (drop))
      (i32.const -1) (i64.const -2) (f32.const -3) (f64.const -4)))
  ;; The value is already in the target's slot (computed there): the fused branch jumps directly.
  ;; expect-code: brv_in_place: I32_MUL BR_IF_I32_NE
  ;; expect-no-code: brv_in_place: BR_IF_I32_EQ I32_NE BR
  (func (export "brv_in_place") (param $a i32) (param $b i32) (result i32)
    (block $out (result i32)
      (drop (br_if $out (i32.mul (local.get $a) (i32.const 3)) (i32.ne (local.get $a) (local.get $b))))
      (i32.const -1)))
  ;; br_if to the function's label is a conditional return: skip, copy, RETURN.
  ;; expect-code: brv_return: BR_IF_I32_NE RETURN
  ;; expect-no-code: brv_return: BR_IF_I32_EQ I32_EQ
  (func (export "brv_return") (param $v f64) (param $a i32) (param $b i32) (result f64)
    (drop (br_if 0 (local.get $v) (i32.eq (local.get $a) (local.get $b))))
    (f64.const -1)))

(assert_return (invoke "brv_i32" (i32.const 42) (i32.const 1) (i32.const 2)) (i32.const 42))
(assert_return (invoke "brv_i32" (i32.const 42) (i32.const 2) (i32.const 1)) (i32.const -7))
(assert_return (invoke "brv_i32" (i32.const 42) (i32.const -1) (i32.const 1)) (i32.const -7))
(assert_return (invoke "brv_i64" (i64.const 0x123456789a) (i64.const 1) (i64.const -1)) (i64.const 0x123456789a))
(assert_return (invoke "brv_i64" (i64.const 0x123456789a) (i64.const -1) (i64.const 1)) (i64.const -7))
(assert_return (invoke "brv_f32" (f32.const nan:0x200001) (i64.const 0x100000005) (i64.const 0x100000005)) (f32.const nan:0x200001))
(assert_return (invoke "brv_f32" (f32.const 1.5) (i64.const 0x100000005) (i64.const 5)) (f32.const -7))
(assert_return (invoke "brv_f64" (f64.const -0x1.8p-1000) (i32.const 3) (i32.const 3)) (f64.const -0x1.8p-1000))
(assert_return (invoke "brv_f64" (f64.const -nan:0x4000000000001) (i32.const 3) (i32.const -3)) (f64.const -nan:0x4000000000001))
(assert_return (invoke "brv_f64" (f64.const 2.5) (i32.const -3) (i32.const 3)) (f64.const -7))
(assert_return (invoke "brv_externref" (ref.extern 5) (i64.const 0)) (ref.extern 5))
(assert_return (invoke "brv_externref" (ref.extern 5) (i64.const 0x100000000)) (ref.null extern))
(assert_return (invoke "brv_funcref" (i32.const 2) (i32.const 1)) (i32.const 0))
(assert_return (invoke "brv_funcref" (i32.const 1) (i32.const 2)) (i32.const 1))
(assert_return (invoke "brv_funcref" (i32.const -1) (i32.const 2)) (i32.const 0))
(assert_return (invoke "brv_multi" (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4) (i64.const 1) (i64.const -1))
  (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4))
(assert_return (invoke "brv_multi" (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4) (i64.const -1) (i64.const 1))
  (i32.const -1) (i64.const -2) (f32.const -3) (f64.const -4))
(assert_return (invoke "brv_in_place" (i32.const 5) (i32.const 6)) (i32.const 15))
(assert_return (invoke "brv_in_place" (i32.const 5) (i32.const 5)) (i32.const -1))
(assert_return (invoke "brv_return" (f64.const 0.25) (i32.const 9) (i32.const 9)) (f64.const 0.25))
(assert_return (invoke "brv_return" (f64.const 0.25) (i32.const 9) (i32.const 8)) (f64.const -1))
