;; loops.wast: loop back-edges and the fused loop step. A branch back to a loop's label is
;; plain without checks (WASMHOST_COMPILE_CHECKS=none), its _BACK form with epoch checks (the
;; default) and its _BACK_FUEL form with fuel; {BACK} in an expectation stands for that suffix.
;; An i32.add right before a ne/lt_s/lt_u comparison that a br_if (or an if) tests becomes one
;; I32_ADD_BR_IF_{NE,LT_S,LT_U}, forward or back. Every loop is also run by `wasmhost invoke`
;; under each set of checks (expect-invoke), which meters fuel for real in the fuel modes.

;; ---- i32.add + br_if: the loop counter ----
(module
  ;; for (i = 0; ++i < n;) : the step and the test in one instruction.
  ;; expect-code: count_lt_u: I32_ADD_BR_IF_LT_U{BACK}
  ;; expect-no-code: count_lt_u: I32_ADD I32_LT_U BR_IF_I32_LT_U{BACK}
  ;; expect-invoke: count_lt_u 1000 -> 1000
  (func (export "count_lt_u") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  ;; Signed, from a negative start; the sum wraps past INT_MAX to INT_MIN, which is < n.
  ;; expect-code: count_lt_s: I32_ADD_BR_IF_LT_S{BACK}
  ;; expect-no-code: count_lt_s: I32_ADD I32_LT_S BR_IF_I32_LT_S{BACK}
  ;; expect-invoke: count_lt_s -5 3 1 -> 8
  ;; expect-invoke: count_lt_s 2147483647 -2147483645 1 -> 4
  (func (export "count_lt_s") (param $i i32) (param $n i32) (param $step i32) (result i32) (local $k i32)
    (loop $l
      (local.set $k (i32.sub (local.get $k) (i32.const -1)))
      (local.set $i (i32.add (local.get $i) (local.get $step)))
      (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
    (local.get $k))
  ;; Steps of 2 until i == n (or 100 iterations).
  ;; expect-code: count_ne: I32_ADD_BR_IF_NE{BACK}
  ;; expect-no-code: count_ne: I32_NE BR_IF_I32_NE{BACK}
  ;; expect-invoke: count_ne 10 -> 5
  ;; expect-invoke: count_ne 11 -> 100
  (func (export "count_ne") (param $n i32) (result i32) (local $i i32) (local $k i32)
    (block $out
      (loop $l
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $out (i32.eq (local.get $k) (i32.const 100)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $k))
  ;; The add is not the compared value: sum += i is fused with the test of i.
  ;; expect-code: sum_to: I32_ADD_BR_IF_LT_U{BACK}
  ;; expect-invoke: sum_to 100 -> 5050
  (func (export "sum_to") (param $n i32) (result i32) (local $i i32) (local $sum i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $sum (i32.add (local.get $sum) (local.get $i)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  ;; The add's result is the comparison's second operand, through local.tee.
  ;; expect-code: tee_second: I32_ADD_BR_IF_NE{BACK}
  ;; expect-invoke: tee_second 7 -> 7
  (func (export "tee_second") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (br_if $l (i32.ne (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 1))))))
    (local.get $i))
  ;; The add's result is compared without going through a local (a stack temporary).
  ;; expect-code: temp_sum: I32_ADD_BR_IF_LT_U{BACK}
  ;; expect-invoke: temp_sum 10 3 -> 7
  (func (export "temp_sum") (param $n i32) (param $d i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.sub (local.get $i) (i32.const -1)))
      (br_if $l (i32.lt_u (i32.add (local.get $i) (local.get $d)) (local.get $n))))
    (local.get $i))
  ;; The comparison reads $i before and after it changes (i < (i = i + 1)): the old value is
  ;; copied first, so the add is no longer right before the comparison: no fusion (the two adds
  ;; become one I32_ADD2, the two copies a COPY2). False only when i + 1 wraps to INT_MIN.
  ;; expect-code: old_and_new: I32_ADD2 BR_IF_I32_LT_S{BACK} COPY2
  ;; expect-no-code: old_and_new: I32_ADD_BR_IF_LT_S{BACK}
  ;; expect-invoke: old_and_new 2147483600 -> 48
  (func (export "old_and_new") (param $i i32) (result i32) (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (local.tee $i (i32.add (local.get $i) (i32.const 1))))))
    (local.get $k)))

(assert_return (invoke "count_lt_u" (i32.const 0)) (i32.const 1))
(assert_return (invoke "count_lt_u" (i32.const 1000)) (i32.const 1000))
(assert_return (invoke "count_lt_u" (i32.const 2)) (i32.const 2))
(assert_return (invoke "count_lt_s" (i32.const -5) (i32.const 3) (i32.const 1)) (i32.const 8))
(assert_return (invoke "count_lt_s" (i32.const 0) (i32.const -3) (i32.const 1)) (i32.const 1))
(assert_return (invoke "count_lt_s" (i32.const 2147483647) (i32.const -2147483645) (i32.const 1)) (i32.const 4))
(assert_return (invoke "count_lt_s" (i32.const 2147483644) (i32.const 2147483647) (i32.const 1)) (i32.const 3))
(assert_return (invoke "count_lt_s" (i32.const -3) (i32.const 2) (i32.const 1)) (i32.const 5))
(assert_return (invoke "count_ne" (i32.const 10)) (i32.const 5))
(assert_return (invoke "count_ne" (i32.const 11)) (i32.const 100))
(assert_return (invoke "count_ne" (i32.const 2)) (i32.const 1))
(assert_return (invoke "sum_to" (i32.const 1)) (i32.const 1))
(assert_return (invoke "sum_to" (i32.const 100)) (i32.const 5050))
(assert_return (invoke "tee_second" (i32.const 1)) (i32.const 1))
(assert_return (invoke "tee_second" (i32.const 7)) (i32.const 7))
(assert_return (invoke "temp_sum" (i32.const 10) (i32.const 3)) (i32.const 7))
(assert_return (invoke "temp_sum" (i32.const 10) (i32.const -3)) (i32.const 1))
(assert_return (invoke "temp_sum" (i32.const -1) (i32.const -20)) (i32.const 19))
(assert_return (invoke "old_and_new" (i32.const 2147483600)) (i32.const 48))
(assert_return (invoke "old_and_new" (i32.const 2147483647)) (i32.const 1))

;; ---- forward forms of the fused step: br_if out of the loop, if ----
(module
  ;; Leaves the loop with br_if on (i += step) != n (forward I32_ADD_BR_IF_NE), loops with br
  ;; (BR{BACK}); at most 50 iterations.
  ;; expect-code: leave: I32_ADD_BR_IF_NE BR{BACK}
  ;; expect-no-code: leave: I32_NE BR_IF_I32_NE
  ;; expect-invoke: leave 0 0 -> 50
  ;; expect-invoke: leave 2 2 -> 2
  (func (export "leave") (param $step i32) (param $n i32) (result i32) (local $i i32) (local $k i32)
    (block $out
      (loop $l
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $out (i32.eq (local.get $k) (i32.const 50)))
        (br_if $out (i32.ne (local.tee $i (i32.add (local.get $i) (local.get $step))) (local.get $n)))
        (br $l)))
    (local.get $k))
  ;; if (i + 1 >= n): the if jumps to its else on the inverse, i + 1 < n (forward LT_U form).
  ;; expect-code: if_ge_u: I32_ADD_BR_IF_LT_U
  ;; expect-no-code: if_ge_u: I32_GE_U BR_IF_I32_LT_U
  (func (export "if_ge_u") (param $i i32) (param $n i32) (result i32)
    (if (result i32) (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))
      (then (i32.const 1)) (else (i32.const 0))))
  ;; if (i + d == n) jumps on i + d != n.
  ;; expect-code: if_eq: I32_ADD_BR_IF_NE
  (func (export "if_eq") (param $i i32) (param $d i32) (param $n i32) (result i32)
    (if (result i32) (i32.eq (i32.add (local.get $i) (local.get $d)) (local.get $n))
      (then (i32.const 1)) (else (i32.const 0))))
  ;; br_if with a value to an outer block on (i + 1 >= n): skips the copies on i + 1 < n.
  ;; expect-code: brv_ge_s: I32_ADD_BR_IF_LT_S COPY BR
  ;; expect-no-code: brv_ge_s: I32_GE_S BR_IF_I32_LT_S
  (func (export "brv_ge_s") (param $v i64) (param $i i32) (param $n i32) (result i64)
    (block $out (result i64)
      (drop (br_if $out (local.get $v) (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $n))))
      (i64.const -1)))
  ;; The value itself is the add's result, already in the block's slot: the fused step jumps
  ;; directly, carrying it.
  ;; expect-code: brv_sum: I32_ADD_BR_IF_LT_S
  ;; expect-no-code: brv_sum: I32_LT_S BR_IF_I32_LT_S BR_IF_I32_GE_S
  (func (export "brv_sum") (param $a i32) (param $b i32) (param $x i32) (param $y i32) (result i32)
    (block $out (result i32)
      (br_if $out (i32.add (local.get $a) (local.get $b)) (i32.lt_s (local.get $x) (local.get $y)))
      (i32.const 1000)
      (i32.add))))

(assert_return (invoke "leave" (i32.const 0) (i32.const 0)) (i32.const 50))
(assert_return (invoke "leave" (i32.const 2) (i32.const 0)) (i32.const 1))
(assert_return (invoke "leave" (i32.const 2) (i32.const 2)) (i32.const 2))
(assert_return (invoke "if_ge_u" (i32.const 4) (i32.const 5)) (i32.const 1))
(assert_return (invoke "if_ge_u" (i32.const 3) (i32.const 5)) (i32.const 0))
(assert_return (invoke "if_ge_u" (i32.const -1) (i32.const 5)) (i32.const 0))
(assert_return (invoke "if_eq" (i32.const 4) (i32.const 5) (i32.const 9)) (i32.const 1))
(assert_return (invoke "if_eq" (i32.const -1) (i32.const 1) (i32.const 0)) (i32.const 1))
(assert_return (invoke "if_eq" (i32.const 4) (i32.const 4) (i32.const 9)) (i32.const 0))
(assert_return (invoke "brv_ge_s" (i64.const 77) (i32.const 4) (i32.const 5)) (i64.const 77))
(assert_return (invoke "brv_ge_s" (i64.const 77) (i32.const 3) (i32.const 5)) (i64.const -1))
(assert_return (invoke "brv_ge_s" (i64.const 77) (i32.const 2147483647) (i32.const 0)) (i64.const -1))
(assert_return (invoke "brv_sum" (i32.const 3) (i32.const 4) (i32.const 1) (i32.const 2)) (i32.const 7))
(assert_return (invoke "brv_sum" (i32.const 3) (i32.const 4) (i32.const 2) (i32.const 1)) (i32.const 1007))

;; ---- other back-edges: br, br_table, loops with parameters, nested loops ----
(module
  ;; br_table to a loop: with checks compiled in, through a stub holding the back-edge form.
  ;; expect-code[epoch,fuel,all]: table_loop: BR_TABLE BR{BACK}
  ;; expect-code[none]: table_loop: BR_TABLE
  ;; expect-no-code[none]: table_loop: BR
  ;; expect-invoke: table_loop 5 -> 10
  (func (export "table_loop") (param $n i32) (result i32) (local $k i32)
    (block $out
      (loop $l
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_table $l $out (i32.eqz (local.get $n)))))
    (local.get $k))
  ;; A loop with parameters (a, b) -> (b, a + b): the back-edge carries two values that are not
  ;; in the loop's slots, so it is a skip over copies and a BR{BACK}. fib(n) for n >= 1.
  ;; expect-code: fib: BR{BACK} COPY BR_IF_I32_GE_U
  ;; expect-no-code: fib: BR_IF_I32_LT_U{BACK}
  ;; expect-invoke: fib 40 -> 102334155
  (func (export "fib") (param $n i32) (result i32) (local $k i32) (local $t i32) (local $s i32)
    (i32.const 0) (i32.const 1)
    (loop $l (param i32 i32) (result i32 i32)
      (local.set $t)
      (local.set $s (i32.add (local.get $t)))
      (local.get $t) (local.get $s)
      (local.set $k (i32.sub (local.get $k) (i32.const -1)))
      (br_if $l (i32.lt_u (local.get $k) (local.get $n))))
    (drop))
  ;; A loop with a parameter whose back-edge value is already in the loop's slot: the fused
  ;; branch jumps back directly with it. x * 3^max(1, n).
  ;; expect-code: triple: I32_MUL BR_IF_I32_LT_U{BACK}
  ;; expect-no-code: triple: BR{BACK} BR_IF_I32_GE_U
  ;; expect-invoke: triple 1 5 -> 243
  (func (export "triple") (param $x i32) (param $n i32) (result i32) (local $k i32)
    (local.get $x)
    (loop $l (param i32) (result i32)
      (i32.mul (i32.const 3))
      (local.set $k (i32.sub (local.get $k) (i32.const -1)))
      (br_if $l (i32.lt_u (local.get $k) (local.get $n)))))
  ;; Nested loops: the inner loop's br_if goes back to the outer loop's label.
  ;; expect-code: nested: BR_IF_I32_GT_U{BACK} BR_IF_I32_LT_S{BACK}
  ;; expect-invoke: nested 5 -> 17
  (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $count i32)
    (loop $outer
      (local.set $i (i32.sub (local.get $i) (i32.const -1)))
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $count (i32.sub (local.get $count) (i32.const -1)))
        (local.set $j (i32.sub (local.get $j) (i32.const -1)))
        (br_if $outer (i32.gt_u (local.get $j) (i32.const 3)))
        (br_if $inner (i32.lt_s (local.get $i) (local.get $n)))))
    (local.get $count))
  ;; With fuel, a label reached by a forward branch starts a region paid by a FUEL instruction.
  ;; expect-code[fuel,all]: fuel_label: FUEL BR_IF_I32_GE_S
  ;; expect-no-code[none,epoch]: fuel_label: FUEL
  ;; expect-invoke: fuel_label 3 -> 6
  (func (export "fuel_label") (param $n i32) (result i32) (local $sum i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (i32.const 0) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $sum)))

(assert_return (invoke "table_loop" (i32.const 1)) (i32.const 2))
(assert_return (invoke "table_loop" (i32.const 5)) (i32.const 10))
(assert_return (invoke "fib" (i32.const 1)) (i32.const 1))
(assert_return (invoke "fib" (i32.const 10)) (i32.const 55))
(assert_return (invoke "fib" (i32.const 40)) (i32.const 102334155))
(assert_return (invoke "triple" (i32.const 1) (i32.const 5)) (i32.const 243))
(assert_return (invoke "triple" (i32.const 5) (i32.const 1)) (i32.const 15))
(assert_return (invoke "triple" (i32.const 5) (i32.const 0)) (i32.const 15))
(assert_return (invoke "nested" (i32.const 1)) (i32.const 1))
(assert_return (invoke "nested" (i32.const 3)) (i32.const 9))
(assert_return (invoke "nested" (i32.const 5)) (i32.const 17))
(assert_return (invoke "fuel_label" (i32.const 0)) (i32.const 0))
(assert_return (invoke "fuel_label" (i32.const 3)) (i32.const 6))
(assert_return (invoke "fuel_label" (i32.const 100)) (i32.const 5050))

;; ---- a bytecode interpreter's dispatch: br_table on code[pc] (BR_TABLE_LOAD_SHL) ----
;; Memory: i32 opcodes (0 = add 1, 1 = double, 2 and above = halt): a program at index 0
;; (+1, *2, +1, *2, halt) and one at index 16 (*2, then 7: halt).
(module
  (memory 1)
  (data (i32.const 0) "\00\00\00\00\01\00\00\00\00\00\00\00\01\00\00\00\02\00\00\00")
  (data (i32.const 64) "\01\00\00\00\07\00\00\00")
  ;; Runs the program starting at code index $pc on accumulator $acc.
  ;; expect-code: run: BR_TABLE_LOAD_SHL
  ;; expect-no-code: run: I32_LOAD_SHL BR_TABLE
  ;; expect-invoke: run 0 0 -> 6
  ;; expect-invoke: run 16 5 -> 10
  ;; expect-invoke: run 17 0 -> 0
  ;; expect-invoke: run 16383 1 -> trap: out of bounds memory access
  (func (export "run") (param $pc i32) (param $acc i32) (result i32)
    (block $halt
      (loop $next
        (block $double
          (block $add
            (br_table $add $double $halt
              (i32.load (i32.add (i32.const 0) (i32.shl (local.get $pc) (i32.const 2)))))
          )
          ;; add 1
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br $next))
        ;; double
        (local.set $acc (i32.shl (local.get $acc) (i32.const 1)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  ;; The loaded index is kept in a local too: the load stays a load.
  ;; expect-code: kept: I32_LOAD_SHL BR_TABLE
  ;; expect-no-code: kept: BR_TABLE_LOAD_SHL
  ;; expect-invoke: kept 0 -> 6
  ;; expect-invoke: kept 16 -> 94
  ;; expect-invoke: kept 17 -> 100
  (func (export "kept") (param $pc i32) (result i32) (local $op i32)
    (block $other
      (block $one
        (br_table $one $other
          (local.tee $op (i32.load (i32.add (i32.const 0) (i32.shl (local.get $pc) (i32.const 2))))))
      )
      (return (i32.add (local.get $op) (i32.const 6))))
    (i32.add (local.get $op) (i32.const 93))))

(assert_return (invoke "run" (i32.const 0) (i32.const 0)) (i32.const 6))
(assert_return (invoke "run" (i32.const 4) (i32.const 3)) (i32.const 3))
(assert_trap (invoke "run" (i32.const 16384) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "kept" (i32.const 16)) (i32.const 94))
