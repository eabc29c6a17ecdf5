;; fuel.wat: guests for fuel in compiled code (fuel_test.c): the same charges as the interpreter
;; for a loop without calls (forward labels, if/else, br_table back-edges), recursion, calls in a
;; loop (direct and indirect), and a loop that never ends.
(module
  (type $unary (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $step)
  ;; a loop without calls: a forward label (the block's end), an if/else in the body, a br_if out
  (func $count (export "count") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (block $skip
          (br_if $skip (i32.eq (i32.rem_u (local.get $n) (i32.const 7)) (i32.const 0)))
          (local.set $acc (i32.add (local.get $acc) (local.get $n))))
        (if (i32.and (local.get $n) (i32.const 1))
          (then (local.set $acc (i32.add (local.get $acc) (i32.const 3))))
          (else (local.set $acc (i32.sub (local.get $acc) (i32.const 1)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  ;; nested loops whose back-edges are br_table entries
  (func $table_loops (export "table_loops") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $out
      (loop $outer
        (local.set $i (i32.const 0))
        (loop $inner
          (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (local.get $n))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_table $inner $outer $out
            (if (result i32) (i32.lt_u (local.get $i) (i32.const 5))
              (then (i32.const 0))
              (else (if (result i32) (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
                      (then (i32.const 1))
                      (else (i32.const 2)))))))))
    (local.get $acc))
  ;; recursion
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; calls in a loop, direct and through the table
  (func $step (param $x i32) (result i32) (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
  (func (export "calls") (param $n i32) (result i32) (local $acc i32)
    (loop $again
      (local.set $acc (i32.and (call $step (local.get $acc)) (i32.const 0xffff)))
      (local.set $acc (call_indirect (type $unary) (local.get $acc) (i32.const 0)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; never ends: only fuel, a deadline or an interrupt stops it
  (func (export "spin") (loop $forever (br $forever)))
)
