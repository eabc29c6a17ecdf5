;; memory_reuse.wat: modules for memory_reuse_test.c (memories given back unwritten, src/engine/memory.c).
;; Module "a": small data (copied, no image) and exports that write memory in every way, or not at all.
(module $a
  (memory (export "memory") 1)
  (data (i32.const 16) "module a's data")
  (func (export "noop"))
  (func (export "arithmetic") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  ;; Loads only (of every width, and a v128 lane load): reading leaves the memory as it was.
  (func (export "loads") (param i32) (result i32)
    (i32.add (i32.load8_u (local.get 0))
      (i32.add (i32.wrap_i64 (i64.load (i32.const 16)))
        (i32x4.extract_lane 0 (v128.load32_lane 1 (i32.const 20) (v128.load (i32.const 32)))))))
  ;; A v128 lane store: a memarg and no result, so it writes.
  (func (export "store_lane")
    (v128.store32_lane 2 (i32.const 50000) (v128.const i32x4 1 2 3 4)))
  (func (export "scribble")
    (memory.fill (i32.const 0) (i32.const 0xff) (i32.mul (memory.size) (i32.const 65536))))
  (func $store_deep (i32.store (i32.const 40000) (i32.const 0x5a5a5a5a)))
  (func (export "store_in_callee") (call $store_deep))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "trap_after_store")
    (i32.store8 (i32.const 30000) (i32.const 7))
    unreachable))
