;; selftest/broken.wast: a fixture for engine_check_code_fails, not a test script. Every
;; [epoch] expectation below is wrong on purpose, one of each kind the checker must report;
;; the [none] ones hold. Keep the order: the test's regular expression follows it.
(module
  ;; expect-code[none]: adds: I32_ADD
  ;; expect-code[epoch]: adds: I32_ADD_SHL
  ;; expect-no-code[epoch]: adds: I32_ADD
  ;; expect-code[epoch]: adds: I32_ADD_FANCY
  ;; expect-code[epoch]: nothing: I32_ADD
  ;; expect-cod: adds: I32_ADD
  ;; expect-invoke[none]: adds 1 2 -> 3
  ;; expect-invoke[epoch]: adds 1 2 -> 4
  ;; expect-invoke[epoch]: adds 1 2 -> trap: unreachable
  (func (export "adds") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))

  ;; expect-code[none]: loop: BR_IF_I32_LT_U
  ;; expect-code[epoch]: loop: BR_IF_I32_LT_U_BACK_FUEL
  ;; expect-constant[none]: loop: 0xffffffff
  ;; expect-constant[epoch]: loop: 0x2b
  (func (export "loop") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.sub (local.get $i) (i32.const -1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))

  ;; expect-code[epoch]: uncalled: I32_MUL
  (func (export "uncalled") (param i32) (result i32)
    (i32.mul (local.get 0) (local.get 0))))

(assert_return (invoke "adds" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "loop" (i32.const 5)) (i32.const 5))
