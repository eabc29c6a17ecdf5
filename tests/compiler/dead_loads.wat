;; dead_loads.wat: loads whose values are dead must still trap when out of bounds on the compiling
;; tier (src/engine/llvm/keep_traps.c); the last one is in bounds and must not.
(module
  (memory 1)
  ;; fuzz_compile's first find: the local is overwritten before it is read
  (func (export "local_overwritten") (result i32) (local i32)
    (local.set 0 (i32.load8_u offset=3 (i32.const 352786805)))
    (local.set 0 (i32.const 55))
    (local.get 0))
  (func (export "dropped_sum") (drop (i32.add (i32.load (i32.const 70000)) (i32.const 1))))
  (func (export "dropped_rotl") (drop (i32.rotl (i32.load (i32.const 70000)) (i32.const 3))))
  (func (export "unused_f64") (local f64) (local.set 0 (f64.load (i32.const 65530))))
  (func (export "in_bounds") (result i32) (local i32)
    (local.set 0 (i32.load (i32.const 16)))
    (i32.const 7)))
