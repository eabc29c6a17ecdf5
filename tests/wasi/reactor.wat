;; reactor.wat: a WASI reactor: _initialize prints a line and sets up state; `add` uses it, and
;; `quit` calls proc_exit.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "initialized\n")
  (global $base (mut i32) (i32.const 0))
  (func (export "_initialize")
    ;; iovec at 0: {16, 12}
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $base (i32.const 10)))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (global.get $base) (i32.add (local.get 0) (local.get 1))))
  (func (export "quit") (param i32)
    (call $proc_exit (local.get 0))
    unreachable))
