;; pairs.wast: two i32 operations fused into one instruction, I32_<first>_THEN_<second> for
;; each pair of ENG_I32_PAIRS (code.h): fp[d] = (fp[a] first fp[b]) second fp[c], the first
;; result a temporary only the second reads. Shift and rotate counts are taken mod 32 in either
;; place. Two increments in a row make one I32_ADD2. Not fused: the first result kept in a
;; local, the temporary as the right operand of a non-commutative second, and both operands the
;; same value. Each pair runs on four triples of operands (high bits set, counts >= 32, carries,
;; equal operands).
(module
  ;; expect-code: add_then_add: I32_ADD_THEN_ADD
  ;; expect-no-code: add_then_add: I32_ADD
  (func (export "add_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: add_then_and: I32_ADD_THEN_AND
  ;; expect-no-code: add_then_and: I32_ADD I32_AND
  (func (export "add_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: add_then_xor: I32_ADD_THEN_XOR
  ;; expect-no-code: add_then_xor: I32_ADD I32_XOR
  (func (export "add_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: add_then_shr_u: I32_ADD_THEN_SHR_U
  ;; expect-no-code: add_then_shr_u: I32_ADD I32_SHR_U
  (func (export "add_then_shr_u") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.shr_u (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: and_then_add: I32_AND_THEN_ADD
  ;; expect-no-code: and_then_add: I32_AND I32_ADD
  (func (export "and_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.and (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: and_then_xor: I32_AND_THEN_XOR
  ;; expect-no-code: and_then_xor: I32_AND I32_XOR
  (func (export "and_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.and (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: and_then_or: I32_AND_THEN_OR
  ;; expect-no-code: and_then_or: I32_AND I32_OR
  (func (export "and_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.and (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: xor_then_add: I32_XOR_THEN_ADD
  ;; expect-no-code: xor_then_add: I32_XOR I32_ADD
  (func (export "xor_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: xor_then_and: I32_XOR_THEN_AND
  ;; expect-no-code: xor_then_and: I32_XOR I32_AND
  (func (export "xor_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: xor_then_xor: I32_XOR_THEN_XOR
  ;; expect-no-code: xor_then_xor: I32_XOR
  (func (export "xor_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: xor_then_mul: I32_XOR_THEN_MUL
  ;; expect-no-code: xor_then_mul: I32_XOR I32_MUL
  (func (export "xor_then_mul") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.mul (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: xor_then_rotl: I32_XOR_THEN_ROTL
  ;; expect-no-code: xor_then_rotl: I32_XOR I32_ROTL
  (func (export "xor_then_rotl") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.rotl (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: xor_then_shr_u: I32_XOR_THEN_SHR_U
  ;; expect-no-code: xor_then_shr_u: I32_XOR I32_SHR_U
  (func (export "xor_then_shr_u") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.shr_u (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: rotl_then_xor: I32_ROTL_THEN_XOR
  ;; expect-no-code: rotl_then_xor: I32_ROTL I32_XOR
  (func (export "rotl_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.rotl (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: rotr_then_xor: I32_ROTR_THEN_XOR
  ;; expect-no-code: rotr_then_xor: I32_ROTR I32_XOR
  (func (export "rotr_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.rotr (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: shl_then_xor: I32_SHL_THEN_XOR
  ;; expect-no-code: shl_then_xor: I32_SHL I32_XOR
  (func (export "shl_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.shl (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: shr_u_then_xor: I32_SHR_U_THEN_XOR
  ;; expect-no-code: shr_u_then_xor: I32_SHR_U I32_XOR
  (func (export "shr_u_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.shr_u (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: shr_u_then_and: I32_SHR_U_THEN_AND
  ;; expect-no-code: shr_u_then_and: I32_SHR_U I32_AND
  (func (export "shr_u_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.shr_u (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: mul_then_add: I32_MUL_THEN_ADD
  ;; expect-no-code: mul_then_add: I32_MUL I32_ADD
  (func (export "mul_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.mul (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: mul_then_shr_u: I32_MUL_THEN_SHR_U
  ;; expect-no-code: mul_then_shr_u: I32_MUL I32_SHR_U
  (func (export "mul_then_shr_u") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.shr_u (i32.mul (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: sub_then_add: I32_SUB_THEN_ADD
  ;; expect-no-code: sub_then_add: I32_SUB I32_ADD
  (func (export "sub_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.sub (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: or_then_add: I32_OR_THEN_ADD
  ;; expect-no-code: or_then_add: I32_OR I32_ADD
  (func (export "or_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.or (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: shr_u_then_add: I32_SHR_U_THEN_ADD
  ;; expect-no-code: shr_u_then_add: I32_SHR_U I32_ADD
  (func (export "shr_u_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.shr_u (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: eq_then_add: I32_EQ_THEN_ADD
  ;; expect-no-code: eq_then_add: I32_EQ I32_ADD
  (func (export "eq_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.eq (local.get $a) (local.get $b)) (local.get $c)))
  ;; expect-code: ne_then_add: I32_NE_THEN_ADD
  ;; expect-no-code: ne_then_add: I32_NE I32_ADD
  (func (export "ne_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.ne (local.get $a) (local.get $b)) (local.get $c)))
  ;; The temporary as the right operand of a commutative second.
  ;; expect-code: rotl_then_xor_right: I32_ROTL_THEN_XOR
  (func (export "rotl_then_xor_right") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.rotl (local.get $a) (local.get $b))))
  ;; ... of a non-commutative one: c >> (a + b) stays two instructions.
  ;; expect-code: add_then_shr_u_right: I32_ADD I32_SHR_U
  ;; expect-no-code: add_then_shr_u_right: I32_ADD_THEN_SHR_U
  (func (export "add_then_shr_u_right") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.shr_u (local.get $c) (i32.add (local.get $a) (local.get $b))))
  ;; The first result kept in a local.
  ;; expect-code: kept: I32_XOR I32_AND_THEN_ADD
  ;; expect-no-code: kept: I32_XOR_THEN_AND
  (func (export "kept") (param $a i32) (param $b i32) (param $c i32) (result i32) (local $t i32)
    (i32.add (i32.and (local.tee $t (i32.xor (local.get $a) (local.get $b))) (local.get $c)) (local.get $t)))
  ;; Both operands of the second are the same value: (a + b) + (a + b).
  ;; expect-no-code: twice: I32_ADD_THEN_ADD
  (func (export "twice") (param $a i32) (param $b i32) (param $c i32) (result i32) (local $t i32)
    (local.tee $t (i32.add (local.get $a) (local.get $b)))
    (local.get $t)
    (i32.add))
  ;; Two increments in a row, the second reading the first's new value: one I32_ADD2.
  ;; expect-code: two_adds: I32_ADD2
  ;; expect-no-code: two_adds: I32_ADD
  (func (export "two_adds") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local.set $a (i32.add (local.get $a) (i32.const 4)))
    (local.set $b (i32.add (local.get $b) (local.get $a)))
    (i32.mul (local.get $a) (local.get $b)))
  ;; The addend is the first operation's own operand, and the result goes to that local.
  ;; expect-code: alias: I32_XOR_THEN_ADD
  (func (export "alias") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local.set $a (i32.add (i32.xor (local.get $a) (local.get $b)) (local.get $a)))
    (local.get $a)))

(assert_return (invoke "add_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -1679809396))
(assert_return (invoke "add_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483648))
(assert_return (invoke "add_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645145))
(assert_return (invoke "add_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 9))
(assert_return (invoke "add_then_and" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 2115088))
(assert_return (invoke "add_then_and" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 0))
(assert_return (invoke "add_then_and" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 10))
(assert_return (invoke "add_then_and" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 10))
(assert_return (invoke "add_then_xor" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -1684039572))
(assert_return (invoke "add_then_xor" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483648))
(assert_return (invoke "add_then_xor" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645125))
(assert_return (invoke "add_then_xor" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -11))
(assert_return (invoke "add_then_shr_u" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 137))
(assert_return (invoke "add_then_shr_u" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 0))
(assert_return (invoke "add_then_shr_u" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 0))
(assert_return (invoke "add_then_shr_u" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "and_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 305419933))
(assert_return (invoke "and_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483647))
(assert_return (invoke "and_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645138))
(assert_return (invoke "and_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 4))
(assert_return (invoke "and_then_xor" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 305419869))
(assert_return (invoke "and_then_xor" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483647))
(assert_return (invoke "and_then_xor" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645132))
(assert_return (invoke "and_then_xor" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -6))
(assert_return (invoke "and_then_or" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 305419901))
(assert_return (invoke "and_then_or" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483647))
(assert_return (invoke "and_then_or" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645135))
(assert_return (invoke "and_then_or" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -1))
(assert_return (invoke "xor_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -1679809470))
(assert_return (invoke "xor_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483646))
(assert_return (invoke "xor_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645139))
(assert_return (invoke "xor_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -1))
(assert_return (invoke "xor_then_and" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 2114632))
(assert_return (invoke "xor_then_and" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483648))
(assert_return (invoke "xor_then_and" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 4))
(assert_return (invoke "xor_then_and" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "xor_then_xor" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -1684038734))
(assert_return (invoke "xor_then_xor" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483646))
(assert_return (invoke "xor_then_xor" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645131))
(assert_return (invoke "xor_then_xor" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -1))
(assert_return (invoke "xor_then_mul" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 1085428400))
(assert_return (invoke "xor_then_mul" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 0))
(assert_return (invoke "xor_then_mul" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 1010580540))
(assert_return (invoke "xor_then_mul" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "xor_then_rotl" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -896947251))
(assert_return (invoke "xor_then_rotl" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2))
(assert_return (invoke "xor_then_rotl" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 131072))
(assert_return (invoke "xor_then_rotl" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "xor_then_shr_u" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 137))
(assert_return (invoke "xor_then_shr_u" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2))
(assert_return (invoke "xor_then_shr_u" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 0))
(assert_return (invoke "xor_then_shr_u" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "rotl_then_xor" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 659417993))
(assert_return (invoke "rotl_then_xor" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483647))
(assert_return (invoke "rotl_then_xor" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645175))
(assert_return (invoke "rotl_then_xor" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -161))
(assert_return (invoke "rotr_then_xor" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 1853425687))
(assert_return (invoke "rotr_then_xor" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483647))
(assert_return (invoke "rotr_then_xor" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const -284225777))
(assert_return (invoke "rotr_then_xor" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -671088641))
(assert_return (invoke "shl_then_xor" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 659418008))
(assert_return (invoke "shl_then_xor" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483646))
(assert_return (invoke "shl_then_xor" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645175))
(assert_return (invoke "shl_then_xor" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -161))
(assert_return (invoke "shr_u_then_xor" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 377030679))
(assert_return (invoke "shr_u_then_xor" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -1))
(assert_return (invoke "shr_u_then_xor" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645135))
(assert_return (invoke "shr_u_then_xor" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -1))
(assert_return (invoke "shr_u_then_and" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 284264))
(assert_return (invoke "shr_u_then_and" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 0))
(assert_return (invoke "shr_u_then_and" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 0))
(assert_return (invoke "shr_u_then_and" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "mul_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -133621245))
(assert_return (invoke "mul_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483647))
(assert_return (invoke "mul_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645156))
(assert_return (invoke "mul_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 24))
(assert_return (invoke "mul_then_shr_u" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 229))
(assert_return (invoke "mul_then_shr_u" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -1))
(assert_return (invoke "mul_then_shr_u" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 0))
(assert_return (invoke "mul_then_shr_u" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "sub_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -1679809470))
(assert_return (invoke "sub_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483646))
(assert_return (invoke "sub_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645139))
(assert_return (invoke "sub_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -1))
(assert_return (invoke "or_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -1679809433))
(assert_return (invoke "or_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483647))
(assert_return (invoke "or_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645142))
(assert_return (invoke "or_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 4))
(assert_return (invoke "shr_u_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 377599207))
(assert_return (invoke "shr_u_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -1))
(assert_return (invoke "shr_u_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645135))
(assert_return (invoke "shr_u_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -1))
(assert_return (invoke "eq_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 305419896))
(assert_return (invoke "eq_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483648))
(assert_return (invoke "eq_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645135))
(assert_return (invoke "eq_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "ne_then_add" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 305419897))
(assert_return (invoke "ne_then_add" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483647))
(assert_return (invoke "ne_then_add" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645136))
(assert_return (invoke "ne_then_add" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -1))
(assert_return (invoke "rotl_then_xor_right" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 659417993))
(assert_return (invoke "add_then_shr_u_right" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 291))
(assert_return (invoke "kept" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -1983114734))
(assert_return (invoke "twice" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 324508712))
(assert_return (invoke "alias" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const 324508601))
(assert_return (invoke "two_adds" (i32.const -1985229329) (i32.const 37) (i32.const 305419896)) (i32.const -1004152632))
(assert_return (invoke "rotl_then_xor_right" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483647))
(assert_return (invoke "add_then_shr_u_right" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -2147483648))
(assert_return (invoke "kept" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 2147483646))
(assert_return (invoke "twice" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 0))
(assert_return (invoke "alias" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const -3))
(assert_return (invoke "two_adds" (i32.const -1) (i32.const 1) (i32.const -2147483648)) (i32.const 12))
(assert_return (invoke "rotl_then_xor_right" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 252645175))
(assert_return (invoke "add_then_shr_u_right" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 246723))
(assert_return (invoke "kept" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 8))
(assert_return (invoke "twice" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 20))
(assert_return (invoke "alias" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 11))
(assert_return (invoke "two_adds" (i32.const 7) (i32.const 3) (i32.const 252645135)) (i32.const 154))
(assert_return (invoke "rotl_then_xor_right" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const -161))
(assert_return (invoke "add_then_shr_u_right" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 4194303))
(assert_return (invoke "kept" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 0))
(assert_return (invoke "twice" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 20))
(assert_return (invoke "alias" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 5))
(assert_return (invoke "two_adds" (i32.const 5) (i32.const 5) (i32.const -1)) (i32.const 126))
