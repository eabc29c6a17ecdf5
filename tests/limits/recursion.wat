;; recursion.wat: infinite mutual recursion, and a function with a big frame.
(module
  (func $ping (export "ping") (param i32) (result i32)
    (call $pong (i32.add (local.get 0) (i32.const 1))))
  (func $pong (param i32) (result i32)
    (call $ping (i32.add (local.get 0) (i32.const 1))))
  ;; Recursion to a given depth: returns the depth reached.
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
)
