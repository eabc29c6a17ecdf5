;; state.wat: the module tests/snapshot/snapshot_test.c snapshots after "init" changed its memory,
;; globals and segments; its exports read that state back.
(module
  (type $get (func (result i32)))
  (memory 1 5)
  (table 2 funcref)
  (elem (i32.const 0) $seven $eight)
  (global $counter (mut i32) (i32.const 0))   ;; the start function adds 1, init 10
  (global $wide (mut i64) (i64.const 1))
  (global $single (mut f32) (f32.const 1))
  (global $double (mut f64) (f64.const 1))
  (global $vector (mut v128) (v128.const i32x4 0 0 0 0))
  (global $callee (mut funcref) (ref.null func))
  (global $fixed i32 (i32.const 99))
  (data (i32.const 16) "active")               ;; segment 0: applied, then dropped
  (data "passive!")                            ;; segment 1: kept passive
  (data "dropped")                             ;; segment 2: init drops it
  (func $seven (type $get) (i32.const 7))
  (func $eight (type $get) (i32.const 8))
  (func $start (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
  (start $start)
  (func (export "init")
    (drop (memory.grow (i32.const 1)))
    (i32.store8 (i32.const 70000) (i32.const 0x5a))       ;; in the page init added
    (i32.store (i32.const 100) (i32.const 0x01020304))
    (i32.store8 (i32.const 119) (i32.const 1))            ;; 15 zeros apart: one segment with 100
    (i32.store8 (i32.const 5000) (i32.const 2))           ;; a long gap: a segment of its own
    (i32.store8 (i32.const 16) (i32.const 0x41))          ;; over the active segment: "Active"
    (data.drop 2)
    (global.set $counter (i32.add (global.get $counter) (i32.const 10)))
    (global.set $wide (i64.const -5000000000))
    (global.set $single (f32.const -2.5))
    (global.set $double (f64.const 0.1))
    (global.set $vector (v128.const i32x4 1 2 3 0xffffffff))
    (global.set $callee (ref.func $eight)))
  (func (export "counter") (result i32) (global.get $counter))
  (func (export "wide") (result i64) (global.get $wide))
  (func (export "single") (result f32) (global.get $single))
  (func (export "double") (result f64) (global.get $double))
  (func (export "vector") (result v128) (global.get $vector))
  (func (export "fixed") (result i32) (global.get $fixed))
  (func (export "call_callee") (result i32) (call $call_ref_via_table))
  (func $call_ref_via_table (result i32)
    (table.set 0 (i32.const 1) (global.get $callee))
    (call_indirect (type $get) (i32.const 1)))
  (func (export "call_table") (param i32) (result i32) (call_indirect (type $get) (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "pages") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  ;; memory.init of segment N at 200 with `length` bytes, then the first byte there.
  (func (export "init_passive") (param i32) (result i32)
    (memory.init 1 (i32.const 200) (i32.const 0) (local.get 0))
    (i32.load8_u (i32.const 200)))
  (func (export "init_dropped") (param i32)
    (memory.init 2 (i32.const 200) (i32.const 0) (local.get 0)))
  (func (export "init_active") (param i32)
    (memory.init 0 (i32.const 200) (i32.const 0) (local.get 0))))
