;; multiply_add.wast: float multiply-adds fused into one instruction (F32/F64_MUL_ADD, the
;; multiplier loaded: F32/F64_MUL_LOAD_ADD, the sum stored back where it was loaded from:
;; F32/F64_MUL_ADD_STORE), what must stay unfused, and two roundings: x * y + z is rounded after
;; the product and after the sum, as the two wasm instructions are, never as one fused
;; multiply-add. Moves in a row become one COPY2.
;;
;; Memory (one 64 KiB page): 0: f32 1.5   8: f64 2.25   16: f32 3.0   24: f64 0.5
;; Stores write to 1024 and above.

(module
  (memory 1)
  (data (i32.const 0) "\00\00\c0\3f")
  (data (i32.const 8) "\00\00\00\00\00\00\02\40")
  (data (i32.const 16) "\00\00\40\40")
  (data (i32.const 24) "\00\00\00\00\00\00\e0\3f")

  ;; expect-code: f32_mul_add: F32_MUL_ADD
  ;; expect-no-code: f32_mul_add: F32_MUL F32_ADD
  (func (export "f32_mul_add") (param $x f32) (param $y f32) (param $z f32) (result f32)
    (f32.add (f32.mul (local.get $x) (local.get $y)) (local.get $z)))
  ;; The product as the add's second operand.
  ;; expect-code: f64_add_mul: F64_MUL_ADD
  ;; expect-no-code: f64_add_mul: F64_MUL F64_ADD
  (func (export "f64_add_mul") (param $x f64) (param $y f64) (param $z f64) (result f64)
    (f64.add (local.get $z) (f64.mul (local.get $x) (local.get $y))))
  ;; The addend is the product's own operand: read before the sum is written.
  ;; expect-code: f64_mul_add_alias: F64_MUL_ADD
  (func (export "f64_mul_add_alias") (param $x f64) (result f64)
    (local.set $x (f64.add (f64.mul (local.get $x) (local.get $x)) (local.get $x)))
    (local.get $x))

  ;; expect-code: f32_mul_load_add: F32_MUL_LOAD_ADD
  ;; expect-no-code: f32_mul_load_add: F32_MUL_LOAD F32_ADD
  (func (export "f32_mul_load_add") (param $p i32) (param $x f32) (param $acc f32) (result f32)
    (f32.add (f32.mul (local.get $x) (f32.load (local.get $p))) (local.get $acc)))
  ;; expect-code: f64_mul_load_add: F64_MUL_LOAD_ADD
  ;; expect-no-code: f64_mul_load_add: F64_MUL_LOAD F64_ADD
  (func (export "f64_mul_load_add") (param $p i32) (param $x f64) (param $acc f64) (result f64)
    (f64.add (local.get $acc) (f64.mul (f64.load offset=8 (local.get $p)) (local.get $x))))

  ;; The product kept in a local is not a temporary: it stays a multiply and an add.
  ;; expect-code: product_kept: F32_MUL F32_ADD
  ;; expect-no-code: product_kept: F32_MUL_ADD
  (func (export "product_kept") (param $x f32) (param $y f32) (result f32) (local $t f32)
    (f32.add (local.tee $t (f32.mul (local.get $x) (local.get $y))) (local.get $t)))

  ;; c[p] += x * y
  ;; expect-code: f32_accumulate: F32_MUL_ADD_STORE
  ;; expect-no-code: f32_accumulate: F32_MUL F32_ADD_LOAD F32_STORE
  (func (export "f32_accumulate") (param $p i32) (param $x f32) (param $y f32) (result f32)
    (f32.store offset=4 (local.get $p)
      (f32.add (f32.mul (local.get $x) (local.get $y)) (f32.load offset=4 (local.get $p))))
    (f32.load offset=4 (local.get $p)))
  ;; expect-code: f64_accumulate: F64_MUL_ADD_STORE
  ;; expect-no-code: f64_accumulate: F64_MUL F64_ADD_LOAD F64_STORE
  (func (export "f64_accumulate") (param $p i32) (param $x f64) (param $y f64) (result f64)
    (f64.store (local.get $p)
      (f64.add (f64.mul (local.get $x) (local.get $y)) (f64.load (local.get $p))))
    (f64.load (local.get $p)))
  ;; Loaded from one place, stored to another: no accumulation in place.
  ;; expect-code: f32_elsewhere: F32_ADD_LOAD F32_STORE
  ;; expect-no-code: f32_elsewhere: F32_MUL_ADD_STORE
  (func (export "f32_elsewhere") (param $p i32) (param $q i32) (param $x f32) (result f32)
    (f32.store (local.get $q)
      (f32.add (f32.mul (local.get $x) (local.get $x)) (f32.load (local.get $p))))
    (f32.load (local.get $q)))
  ;; The same address but another offset: not in place either.
  ;; expect-no-code: f64_other_offset: F64_MUL_ADD_STORE
  (func (export "f64_other_offset") (param $p i32) (param $x f64) (result f64)
    (f64.store offset=8 (local.get $p)
      (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.load (local.get $p))))
    (f64.load offset=8 (local.get $p)))

  ;; Three moves in a row: a COPY2 and a COPY; the rotation must read each old value first.
  ;; expect-code: rotate: COPY2
  (func (export "rotate") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local $t i32)
    (local.set $t (local.get $a))
    (local.set $a (local.get $b))
    (local.set $b (local.get $c))
    (local.set $c (local.get $t))
    (i32.add (i32.mul (local.get $a) (i32.const 100))
             (i32.add (i32.mul (local.get $b) (i32.const 10)) (local.get $c)))))

(assert_return (invoke "f32_mul_add" (f32.const 1.5) (f32.const 4) (f32.const 0.25)) (f32.const 6.25))
(assert_return (invoke "f64_add_mul" (f64.const 3) (f64.const -2) (f64.const 1)) (f64.const -5))
(assert_return (invoke "f64_mul_add_alias" (f64.const 3)) (f64.const 12))
;; (1 + 2^-27)^2 = 1 + 2^-26 + 2^-54 rounds to 1 + 2^-26; minus that is 0. One fused rounding
;; would give 2^-54.
(assert_return (invoke "f64_add_mul" (f64.const 0x1.0000002p+0) (f64.const 0x1.0000002p+0)
                 (f64.const -0x1.0000004p+0)) (f64.const 0))
;; f32: (1 + 2^-13)^2 = 1 + 2^-12 + 2^-26 rounds to 1 + 2^-12.
(assert_return (invoke "f32_mul_add" (f32.const 0x1.0008p+0) (f32.const 0x1.0008p+0) (f32.const -0x1.001p+0))
               (f32.const 0))
(assert_return (invoke "f32_mul_add" (f32.const inf) (f32.const 0) (f32.const 1)) (f32.const nan:arithmetic))
(assert_return (invoke "f32_mul_load_add" (i32.const 0) (f32.const 2) (f32.const 1)) (f32.const 4))
(assert_return (invoke "f32_mul_load_add" (i32.const 16) (f32.const 0.5) (f32.const -1.5)) (f32.const 0))
(assert_trap (invoke "f32_mul_load_add" (i32.const 65533) (f32.const 1) (f32.const 1)) "out of bounds memory access")
(assert_return (invoke "f64_mul_load_add" (i32.const 0) (f64.const 4) (f64.const 1)) (f64.const 10))
(assert_return (invoke "f64_mul_load_add" (i32.const 16) (f64.const 3) (f64.const 0.25)) (f64.const 1.75))
(assert_trap (invoke "f64_mul_load_add" (i32.const 65521) (f64.const 1) (f64.const 1)) "out of bounds memory access")
(assert_return (invoke "product_kept" (f32.const 3) (f32.const 5)) (f32.const 30))
(assert_return (invoke "f32_accumulate" (i32.const 1024) (f32.const 2) (f32.const 3)) (f32.const 6))
(assert_return (invoke "f32_accumulate" (i32.const 1024) (f32.const 0.5) (f32.const 3)) (f32.const 7.5))
(assert_return (invoke "f32_accumulate" (i32.const 1024) (f32.const -1) (f32.const 7.5)) (f32.const 0))
(assert_trap (invoke "f32_accumulate" (i32.const 65530) (f32.const 1) (f32.const 1)) "out of bounds memory access")
;; The trap wrote nothing: the last in-bounds bytes are still zero.
(assert_return (invoke "f32_accumulate" (i32.const 65528) (f32.const 1) (f32.const 1)) (f32.const 1))
(assert_return (invoke "f64_accumulate" (i32.const 2048) (f64.const 1.5) (f64.const 2)) (f64.const 3))
(assert_return (invoke "f64_accumulate" (i32.const 2048) (f64.const 0x1.0000002p+0) (f64.const 0x1.0000002p+0))
               (f64.const 0x1.0000001p+2))
(assert_trap (invoke "f64_accumulate" (i32.const 65529) (f64.const 1) (f64.const 1)) "out of bounds memory access")
(assert_return (invoke "f32_elsewhere" (i32.const 0) (i32.const 3072) (f32.const 2)) (f32.const 5.5))
(assert_return (invoke "f64_other_offset" (i32.const 4096) (f64.const 2)) (f64.const 4))
(assert_return (invoke "rotate" (i32.const 1) (i32.const 2) (i32.const 3)) (i32.const 231))
