;; threads.wat: a module that several threads instantiate at once; each instance has its own memory and global.
(module
  (import "host" "offset" (func $offset (result i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 16) "\2a\00\00\00") ;; 42
  ;; run(n) = 3n + 42 + offset() + 1 on a fresh instance (the global counts this instance's calls).
  (func (export "run") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store (i32.const 0) (i32.mul (local.get 0) (i32.const 3)))
    (i32.add
      (i32.add (i32.load (i32.const 0)) (i32.load (i32.const 16)))
      (i32.add (call $offset) (global.get $calls))))
  (func $fail (export "fail") (unreachable)))
