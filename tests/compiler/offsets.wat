;; offsets.wat: traps three calls below the export, for backtraces whose byte offsets must be the
;; interpreter's on compiled code: run -> outer -> (call_indirect) middle -> inner, which traps by
;; `how`: 0 an out-of-bounds load (the guard region), 1 unreachable, 2 a division by zero, 3 a
;; call_indirect of a null element (trapped by the runtime helper), 4 an out-of-bounds
;; memory.fill (a helper too).
;; Each function calls itself when `how` > 100 (never in the tests, unknown to LLVM): LLVM never
;; inlines a recursive function, so every wasm frame keeps a native frame of its own.
;; The export "inlined" traps the same ways through small functions that LLVM inlines
;; (inlined -> outer_small -> (call_indirect) middle_small -> leaf: leaf into middle_small,
;; outer_small into inlined): their frames come from the inlined calls of the map.
(module
  (type $chain (func (param i32) (result i32)))
  (memory 1)
  (table 3 funcref)
  (elem (i32.const 0) $middle) ;; element 1 stays null
  (elem (i32.const 2) $middle_small)
  (func $run (export "run") (param $how i32) (result i32)
    (i32.add (call $outer (local.get $how)) (i32.const 1)))
  (func $outer (param $how i32) (result i32)
    (if (i32.gt_u (local.get $how) (i32.const 100))
      (then (return (call $outer (i32.sub (local.get $how) (i32.const 100))))))
    (i32.mul (call_indirect (type $chain) (local.get $how) (i32.const 0)) (i32.const 3)))
  (func $middle (param $how i32) (result i32)
    (if (i32.gt_u (local.get $how) (i32.const 100))
      (then (return (call $middle (i32.sub (local.get $how) (i32.const 100))))))
    (i32.xor (call $inner (local.get $how)) (i32.const 5)))
  (func $inner (param $how i32) (result i32)
    (if (i32.gt_u (local.get $how) (i32.const 100))
      (then (return (call $inner (i32.sub (local.get $how) (i32.const 100))))))
    (if (i32.eqz (local.get $how))
      (then (return (i32.load offset=16 (i32.const 65530)))))
    (if (i32.eq (local.get $how) (i32.const 1))
      (then (unreachable)))
    (if (i32.eq (local.get $how) (i32.const 2))
      (then (return (i32.div_s (i32.const 7) (i32.sub (local.get $how) (i32.const 2))))))
    (if (i32.eq (local.get $how) (i32.const 3))
      (then (return (call_indirect (type $chain) (local.get $how) (i32.const 1)))))
    (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))
    (local.get $how))
  (func $inlined (export "inlined") (param $how i32) (result i32)
    (i32.add (call $outer_small (local.get $how)) (i32.const 1)))
  (func $outer_small (param $how i32) (result i32)
    (i32.mul (call_indirect (type $chain) (local.get $how) (i32.const 2)) (i32.const 3)))
  (func $middle_small (param $how i32) (result i32)
    (i32.xor (call $leaf (local.get $how)) (i32.const 5)))
  (func $leaf (param $how i32) (result i32)
    (if (i32.eqz (local.get $how))
      (then (return (i32.load offset=16 (i32.const 65530)))))
    (if (i32.eq (local.get $how) (i32.const 1))
      (then (unreachable)))
    (if (i32.eq (local.get $how) (i32.const 2))
      (then (return (i32.div_s (i32.const 7) (i32.sub (local.get $how) (i32.const 2))))))
    (if (i32.eq (local.get $how) (i32.const 3))
      (then (return (call_indirect (type $chain) (local.get $how) (i32.const 1)))))
    (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))
    (local.get $how))
)
