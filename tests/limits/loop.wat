;; loop.wat: infinite loops without calls, for deadlines, fuel and interruption.
(module
  ;; The tightest loop there is: a single back-edge.
  (func (export "spin")
    (loop $forever (br $forever)))
  ;; A counting loop that never ends (its test is a fused add-and-branch).
  (func (export "count") (result i32)
    (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.ne (local.get $i) (i32.const 0))))
    (local.get $i))
  ;; Loops nested in branches: the back-edge is a br_if out of an if.
  (func (export "nested") (param $n i32) (result i32)
    (local $i i32)
    (loop $outer
      (if (i32.and (local.get $i) (i32.const 1))
        (then (local.set $i (i32.add (local.get $i) (i32.const 3))))
        (else (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (br_if $outer (i32.ge_s (local.get $n) (i32.const 0))))
    (local.get $i))
  ;; Terminates: sum of 0..n-1, to measure fuel and check results under checks.
  (func (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $s i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s))
  ;; br_table straight to a loop label.
  (func (export "table_loop") (param $k i32)
    (loop $top
      (br_table $top $top (local.get $k))))
  (func (export "answer") (result i32) (i32.const 42))
)
