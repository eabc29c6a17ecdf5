;; accumulator.wast: the accumulator forms (NAME_ACC, code.h ENG_ACC_OPCODES): an operation whose
;; first operand is the result of the instruction just before reads it from a register. Every form
;; on values that wrap, with garbage-free and sign-heavy inputs; the forms must not cross a label
;; (a loop header, the end of a block that is branched to) or follow an instruction that leaves
;; nothing in the accumulator; commutative operations swap their operands to use it.
(module
  ;; expect-code: i32_add: I32_ADD I32_ADD_ACC
  (func (export "i32_add") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_sub: I32_ADD I32_SUB_ACC
  (func (export "i32_sub") (param i32 i32 i32) (result i32)
    (i32.sub (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_mul: I32_ADD I32_MUL_ACC
  (func (export "i32_mul") (param i32 i32 i32) (result i32)
    (i32.mul (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_and: I32_ADD I32_AND_ACC
  (func (export "i32_and") (param i32 i32 i32) (result i32)
    (i32.and (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_or: I32_ADD I32_OR_ACC
  (func (export "i32_or") (param i32 i32 i32) (result i32)
    (i32.or (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_xor: I32_ADD I32_XOR_ACC
  (func (export "i32_xor") (param i32 i32 i32) (result i32)
    (i32.xor (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_shl: I32_ADD I32_SHL_ACC
  (func (export "i32_shl") (param i32 i32 i32) (result i32)
    (i32.shl (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_shr_s: I32_ADD I32_SHR_S_ACC
  (func (export "i32_shr_s") (param i32 i32 i32) (result i32)
    (i32.shr_s (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_shr_u: I32_ADD I32_SHR_U_ACC
  (func (export "i32_shr_u") (param i32 i32 i32) (result i32)
    (i32.shr_u (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_rotl: I32_ADD I32_ROTL_ACC
  (func (export "i32_rotl") (param i32 i32 i32) (result i32)
    (i32.rotl (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i32_rotr: I32_ADD I32_ROTR_ACC
  (func (export "i32_rotr") (param i32 i32 i32) (result i32)
    (i32.rotr (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_add: I64_ADD I64_ADD_ACC
  (func (export "i64_add") (param i64 i64 i64) (result i64)
    (i64.add (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_sub: I64_ADD I64_SUB_ACC
  (func (export "i64_sub") (param i64 i64 i64) (result i64)
    (i64.sub (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_mul: I64_ADD I64_MUL_ACC
  (func (export "i64_mul") (param i64 i64 i64) (result i64)
    (i64.mul (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_and: I64_ADD I64_AND_ACC
  (func (export "i64_and") (param i64 i64 i64) (result i64)
    (i64.and (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_or: I64_ADD I64_OR_ACC
  (func (export "i64_or") (param i64 i64 i64) (result i64)
    (i64.or (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_xor: I64_ADD I64_XOR_ACC
  (func (export "i64_xor") (param i64 i64 i64) (result i64)
    (i64.xor (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_shl: I64_ADD I64_SHL_ACC
  (func (export "i64_shl") (param i64 i64 i64) (result i64)
    (i64.shl (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_shr_s: I64_ADD I64_SHR_S_ACC
  (func (export "i64_shr_s") (param i64 i64 i64) (result i64)
    (i64.shr_s (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_shr_u: I64_ADD I64_SHR_U_ACC
  (func (export "i64_shr_u") (param i64 i64 i64) (result i64)
    (i64.shr_u (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_rotl: I64_ADD I64_ROTL_ACC
  (func (export "i64_rotl") (param i64 i64 i64) (result i64)
    (i64.rotl (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; expect-code: i64_rotr: I64_ADD I64_ROTR_ACC
  (func (export "i64_rotr") (param i64 i64 i64) (result i64)
    (i64.rotr (i64.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; Commutative: the accumulator is the second operand, the operands swap.
  ;; expect-code: swap: I32_XOR I32_ADD_ACC
  (func (export "swap") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.xor (local.get 0) (local.get 1))))
  ;; Not commutative: sub with the accumulator second stays plain.
  ;; expect-code: no_swap: I32_XOR I32_SUB
  ;; expect-no-code: no_swap: I32_SUB_ACC
  (func (export "no_swap") (param i32 i32 i32) (result i32)
    (i32.sub (local.get 2) (i32.xor (local.get 0) (local.get 1))))
  ;; x op x: both operands are the previous result.
  ;; expect-code: square: I32_ADD I32_MUL_ACC
  (func (export "square") (param i32 i32) (result i32)
    (i32.mul (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 0) (local.get 1))))
  ;; A loop header between producer and consumer: the consumer may be reached from the back-edge,
  ;; where the accumulator holds something else. The loop runs x := x * 3 + i for i = n..1.
  ;; expect-code: loop_header: I32_MUL
  (func (export "loop_header") (param $x i32) (param $n i32) (result i32)
    (local.set $x (i32.add (local.get $x) (i32.const 1)))
    (loop $l
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 3)) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $x))
  ;; A value from a call: the call leaves nothing in the accumulator.
  ;; expect-no-code: after_call: I32_ADD_ACC
  (func $id (param i32) (result i32) (i32.add (local.get 0) (i32.const 0)))
  (func (export "after_call") (param i32) (result i32)
    (i32.add (call $id (i32.mul (local.get 0) (local.get 0))) (i32.const 5)))
  ;; The end of a block that a branch reaches: the value there may come from the branch.
  ;; expect-no-code: block_end: I32_SUB_ACC
  (func (export "block_end") (param i32) (result i32)
    (i32.sub
      (block (result i32)
        (drop (br_if 0 (i32.const 100) (local.get 0)))
        (i32.add (local.get 0) (i32.const 1)))
      (i32.const 1)))
  ;; Two chains interleaved by a store: the store leaves nothing, the add after it is plain.
  (memory 1)
  ;; expect-code: store_between: I32_ADD
  ;; expect-no-code: store_between: I32_ADD_ACC
  (func (export "store_between") (param i32) (result i32) (local $t i32)
    (local.set $t (i32.xor (local.get 0) (i32.const 0xff)))
    (i32.store (i32.const 8) (local.get 0))
    (i32.add (local.get $t) (local.get 0)))
)

(assert_return (invoke "i32_add" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const -1393478290))
(assert_return (invoke "i32_add" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const -2147483616))
(assert_return (invoke "i32_add" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const 36))
(assert_return (invoke "i32_sub" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const -1393478300))
(assert_return (invoke "i32_sub" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const 2147483614))
(assert_return (invoke "i32_sub" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const -26))
(assert_return (invoke "i32_mul" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const 1622543117))
(assert_return (invoke "i32_mul" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const 2147483615))
(assert_return (invoke "i32_mul" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const 155))
(assert_return (invoke "i32_and" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const 1))
(assert_return (invoke "i32_and" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const 33))
(assert_return (invoke "i32_and" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const 5))
(assert_return (invoke "i32_or" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const -1393478291))
(assert_return (invoke "i32_or" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const 2147483647))
(assert_return (invoke "i32_or" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const 31))
(assert_return (invoke "i32_xor" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const -1393478292))
(assert_return (invoke "i32_xor" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const 2147483614))
(assert_return (invoke "i32_xor" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const 26))
(assert_return (invoke "i32_shl" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const -1641632480))
(assert_return (invoke "i32_shl" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const -2))
(assert_return (invoke "i32_shl" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const -2147483648))
(assert_return (invoke "i32_shr_s" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const -43546197))
(assert_return (invoke "i32_shr_s" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const 1073741823))
(assert_return (invoke "i32_shr_s" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const 0))
(assert_return (invoke "i32_shr_u" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const 90671531))
(assert_return (invoke "i32_shr_u" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const 1073741823))
(assert_return (invoke "i32_shr_u" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const 0))
(assert_return (invoke "i32_rotl" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const -1641632459))
(assert_return (invoke "i32_rotl" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const -2))
(assert_return (invoke "i32_rotl" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const -2147483646))
(assert_return (invoke "i32_rotr" (i32.const 305419896) (i32.const -1698898191) (i32.const 5)) (i32.const 1298631083))
(assert_return (invoke "i32_rotr" (i32.const -1) (i32.const -2147483648) (i32.const 33)) (i32.const -1073741825))
(assert_return (invoke "i32_rotr" (i32.const 7) (i32.const -2) (i32.const 31)) (i32.const 10))
(assert_return (invoke "i64_add" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 1229782938247303437))
(assert_return (invoke "i64_add" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const -9223372036854775744))
(assert_return (invoke "i64_add" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 63))
(assert_return (invoke "i64_sub" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 1229782938247303411))
(assert_return (invoke "i64_sub" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const 9223372036854775742))
(assert_return (invoke "i64_sub" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const -63))
(assert_return (invoke "i64_mul" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const -2459565876494607104))
(assert_return (invoke "i64_mul" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const 9223372036854775743))
(assert_return (invoke "i64_mul" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 0))
(assert_return (invoke "i64_and" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 0))
(assert_return (invoke "i64_and" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const 65))
(assert_return (invoke "i64_and" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 0))
(assert_return (invoke "i64_or" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 1229782938247303437))
(assert_return (invoke "i64_or" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const 9223372036854775807))
(assert_return (invoke "i64_or" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 63))
(assert_return (invoke "i64_xor" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 1229782938247303437))
(assert_return (invoke "i64_xor" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const 9223372036854775742))
(assert_return (invoke "i64_xor" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 63))
(assert_return (invoke "i64_shl" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 2459565876494467072))
(assert_return (invoke "i64_shl" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const -2))
(assert_return (invoke "i64_shl" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 0))
(assert_return (invoke "i64_shr_s" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 150119987579016))
(assert_return (invoke "i64_shr_s" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const 4611686018427387903))
(assert_return (invoke "i64_shr_s" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 0))
(assert_return (invoke "i64_shr_u" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 150119987579016))
(assert_return (invoke "i64_shr_u" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const 4611686018427387903))
(assert_return (invoke "i64_shr_u" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 0))
(assert_return (invoke "i64_rotl" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const 2459565876494467618))
(assert_return (invoke "i64_rotl" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const -2))
(assert_return (invoke "i64_rotl" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 0))
(assert_return (invoke "i64_rotr" (i64.const 1311768467463790320) (i64.const -81985529216486896) (i64.const 13)) (i64.const -8646761164563773304))
(assert_return (invoke "i64_rotr" (i64.const -1) (i64.const -9223372036854775808) (i64.const 65)) (i64.const -4611686018427387905))
(assert_return (invoke "i64_rotr" (i64.const 3) (i64.const -3) (i64.const 63)) (i64.const 0))
(assert_return (invoke "swap" (i32.const 12) (i32.const 10) (i32.const 100)) (i32.const 106))
(assert_return (invoke "no_swap" (i32.const 12) (i32.const 10) (i32.const 100)) (i32.const 94))
(assert_return (invoke "square" (i32.const 3) (i32.const 4)) (i32.const 49))
(assert_return (invoke "square" (i32.const 65536) (i32.const 0)) (i32.const 0))
(assert_return (invoke "loop_header" (i32.const 1) (i32.const 5)) (i32.const 1033))
(assert_return (invoke "loop_header" (i32.const -7) (i32.const 9)) (i32.const -34445))
(assert_return (invoke "after_call" (i32.const 6)) (i32.const 41))
(assert_return (invoke "block_end" (i32.const 0)) (i32.const 0))
(assert_return (invoke "block_end" (i32.const 1)) (i32.const 99))
(assert_return (invoke "store_between" (i32.const 0x0f)) (i32.const 255))
