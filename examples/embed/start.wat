;; start.wat: a start function that calls the host and marks itself done.
(module
  (import "host" "log" (func $log (param i32)))
  (global $started (export "started") (mut i32) (i32.const 0))
  (func $start (global.set $started (i32.const 1)) (call $log (i32.const 42)))
  (start $start))
