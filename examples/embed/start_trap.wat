;; start_trap.wat: a start function that traps, so instantiation fails.
(module $failing_start
  (func $check (unreachable))
  (func $start (call $check))
  (start $start))
