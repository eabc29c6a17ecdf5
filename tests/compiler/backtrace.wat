;; backtrace.wat: traps deep in compiled code, for backtraces that name the compiled frames: a
;; recursion (never inlined) that ends in an out-of-bounds load, a division by zero or a
;; call_indirect of a null element, each four frames deep.
(module
  (memory 1)
  (table 1 funcref)
  (func $descend (param $depth i32) (param $how i32) (result i32)
    (if (result i32) (local.get $depth)
      (then (i32.add (call $descend (i32.sub (local.get $depth) (i32.const 1)) (local.get $how)) (i32.const 1)))
      (else
        (if (result i32) (i32.eqz (local.get $how))
          (then (i32.load (i32.const 70000)))
          (else (if (result i32) (i32.eq (local.get $how) (i32.const 1))
            (then (i32.div_u (i32.const 1) (i32.sub (local.get $how) (i32.const 1))))
            (else (call_indirect (result i32) (i32.const 0)))))))))
  (func $run (export "run") (param $how i32) (result i32) (call $descend (i32.const 3) (local.get $how)))
)
