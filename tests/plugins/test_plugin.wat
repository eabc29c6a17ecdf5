;; test_plugin.wat: a plugin (tests/plugins/plugin_test.c) with one export per behaviour a host must handle:
;; echo, a call counter, logs, a reported error, traps, outputs outside memory, a loop, growing memory, recursion.
(module
  (import "wasmhost_plugin" "log" (func $log (param i32 i32)))
  (import "wasmhost_plugin" "error" (func $error (param i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 16) "hello from the plugin")

  ;; A bump allocator that grows the memory as needed; 0 when it cannot.
  (func (export "wasmhost_alloc") (param $size i32) (result i32)
    (local $start i32) (local $end i32)
    (local.set $start (global.get $heap))
    (local.set $end (i32.add (local.get $start) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq (memory.grow (i32.add (i32.shr_u (local.get $end) (i32.const 16)) (i32.const 1)))
                    (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (local.get $start))

  (func $answer (param $pointer i32) (param $length i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $pointer)) (i64.const 32)) (i64.extend_i32_u (local.get $length))))

  ;; The input is the output.
  (func (export "echo") (param i32 i32) (result i64) (call $answer (local.get 0) (local.get 1)))

  ;; How many calls this instance has had, as one digit.
  (func (export "count") (param i32 i32) (result i64)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store8 (i32.const 200) (i32.add (i32.const 48) (global.get $calls)))
    (call $answer (i32.const 200) (i32.const 1)))

  ;; Logs a line of its own, then the input; answers nothing.
  (func (export "log") (param i32 i32) (result i64)
    (call $log (i32.const 16) (i32.const 21))
    (call $log (local.get 0) (local.get 1))
    (i64.const 0))
  (func (export "log_outside") (param i32 i32) (result i64)
    (call $log (i32.const 65530) (i32.const 100))
    (i64.const 0))

  ;; Reports the error "hello from the plugin".
  (func $fail (export "fail") (param i32 i32) (result i64)
    (call $error (i32.const 16) (i32.const 21))
    (unreachable))
  (func $trap (export "trap") (param i32 i32) (result i64) (unreachable))

  ;; Outputs that are not inside the one page of memory.
  (func (export "pointer_outside") (param i32 i32) (result i64) (call $answer (i32.const 0x20000) (i32.const 4)))
  (func (export "length_past_end") (param i32 i32) (result i64) (call $answer (i32.const 65530) (i32.const 100)))

  ;; Runs until a limit stops it.
  (func (export "spin") (param i32 i32) (result i64) (loop $forever (br $forever)) (i64.const 0))
  (func (export "grow_forever") (param i32 i32) (result i64)
    (loop $more (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (unreachable))
  (func $recurse (export "recurse") (param i32 i32) (result i64)
    (call $recurse (local.get 0) (local.get 1)))

  ;; Not of the plugin shape: not callable through wh_plugin_call.
  (func (export "helper") (param i32) (result i32) (local.get 0)))
