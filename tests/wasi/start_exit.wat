;; start_exit.wat: proc_exit from the start section (before _start, before the memory is bound).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func $start (call $proc_exit (i32.const 9)))
  (start $start)
  (func (export "_start") unreachable))
