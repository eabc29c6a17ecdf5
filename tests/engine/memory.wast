;; memory.wast: memory accesses fused with the i32.add computing their address (<load>_ADD,
;; <store>_ADD, and <load>_ADD_THEN_ADD adding the loaded i32 to a value), arithmetic with a
;; memory operand (I32_ADD_LOAD, F32/F64 ADD/SUB/MUL_LOAD),
;; what must stay unfused, and traps inside the fused forms: the address is (a + b) mod 2^32
;; plus the offset, without wrapping (offsets near 2^32 must trap, not wrap around), and an
;; access that straddles the end of memory traps without writing anything.
;;
;; Memory (one 64 KiB page):
;;   0: 01 02 03 04 05 06 07 08     16: 80 81 (i8 -128, -127; i16 -32384)
;;  32: f32 1.5                     40: f64 2.25                65532: de ad be ef
;; Stores write to 1024 and above, each test to its own address.

;; ---- loads: <load>_ADD ----
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08")
  (data (i32.const 16) "\80\81")
  (data (i32.const 32) "\00\00\c0\3f")
  (data (i32.const 40) "\00\00\00\00\00\00\02\40")
  (data (i32.const 65532) "\de\ad\be\ef")

  ;; expect-code: i32_load: I32_LOAD_ADD
  ;; expect-no-code: i32_load: I32_ADD I32_LOAD
  ;; expect-invoke: i32_load 65528 0 -> -272716322
  ;; expect-invoke: i32_load -1 1 -> 134678021
  ;; expect-invoke: i32_load 65529 0 -> trap: out of bounds memory access
  ;; expect-invoke: i32_load -1 0 -> trap: out of bounds memory access
  (func (export "i32_load") (param $a i32) (param $b i32) (result i32)
    (i32.load offset=4 (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: i64_load: I64_LOAD_ADD
  ;; expect-no-code: i64_load: I32_ADD I64_LOAD
  (func (export "i64_load") (param $a i32) (param $b i32) (result i64)
    (i64.load (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: f32_load: F32_LOAD_ADD
  ;; expect-no-code: f32_load: I32_ADD F32_LOAD
  (func (export "f32_load") (param $a i32) (param $b i32) (result f32)
    (f32.load offset=2 (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: f64_load: F64_LOAD_ADD
  ;; expect-no-code: f64_load: I32_ADD F64_LOAD
  (func (export "f64_load") (param $a i32) (param $b i32) (result f64)
    (f64.load offset=8 (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: i32_load8_s: I32_LOAD8_S_ADD
  ;; expect-no-code: i32_load8_s: I32_ADD I32_LOAD8_S
  (func (export "i32_load8_s") (param $a i32) (param $b i32) (result i32)
    (i32.load8_s (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: i32_load8_u: I32_LOAD8_U_ADD
  ;; expect-no-code: i32_load8_u: I32_ADD I32_LOAD8_U
  (func (export "i32_load8_u") (param $a i32) (param $b i32) (result i32)
    (i32.load8_u (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: i32_load16_s: I32_LOAD16_S_ADD
  ;; expect-no-code: i32_load16_s: I32_ADD I32_LOAD16_S
  (func (export "i32_load16_s") (param $a i32) (param $b i32) (result i32)
    (i32.load16_s (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: i32_load16_u: I32_LOAD16_U_ADD
  ;; expect-no-code: i32_load16_u: I32_ADD I32_LOAD16_U
  (func (export "i32_load16_u") (param $a i32) (param $b i32) (result i32)
    (i32.load16_u (i32.add (local.get $a) (local.get $b))))
  ;; The i64 narrow loads have no fused form.
  ;; expect-code: i64_load8_s: I32_ADD I64_LOAD8_S
  (func (export "i64_load8_s") (param $a i32) (param $b i32) (result i64)
    (i64.load8_s (i32.add (local.get $a) (local.get $b))))
  ;; Offsets near 2^32: the sum of the address and the offset must not wrap.
  ;; expect-code: load8_top: I32_LOAD8_U_ADD
  ;; expect-invoke: load8_top 1 -1 -> trap: out of bounds memory access
  (func (export "load8_top") (param $a i32) (param $b i32) (result i32)
    (i32.load8_u offset=4294967295 (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: load_top: I32_LOAD_ADD
  (func (export "load_top") (param $a i32) (param $b i32) (result i32)
    (i32.load offset=4294967292 (i32.add (local.get $a) (local.get $b))))
  ;; The address goes to a local through local.tee: the fused load still writes it.
  ;; expect-code: tee_address: I32_LOAD8_U_ADD
  ;; expect-no-code: tee_address: I32_ADD I32_LOAD8_U
  (func (export "tee_address") (param $p i32) (result i32 i32)
    (i32.load8_u offset=16 (local.tee $p (i32.add (local.get $p) (i32.const 1))))
    (local.get $p))
  ;; The loaded value goes to an operand of the address: read before written.
  ;; expect-code: load_into_operand: I32_LOAD_ADD
  (func (export "load_into_operand") (param $a i32) (param $b i32) (result i32)
    (local.set $a (i32.load (i32.add (local.get $a) (local.get $b))))
    (local.get $a))
  ;; A label between the add and the load (the end of a block): no fusion.
  ;; expect-code: label_between: I32_ADD I32_LOAD
  ;; expect-no-code: label_between: I32_LOAD_ADD
  (func (export "label_between") (param $a i32) (param $b i32) (result i32)
    (i32.load (block (result i32) (i32.add (local.get $a) (local.get $b))))))

(assert_return (invoke "i32_load" (i32.const 0) (i32.const 0)) (i32.const 0x08070605))
(assert_return (invoke "i32_load" (i32.const 65528) (i32.const 0)) (i32.const 0xefbeadde))
(assert_return (invoke "i32_load" (i32.const 65520) (i32.const 8)) (i32.const 0xefbeadde))
(assert_return (invoke "i32_load" (i32.const -1) (i32.const 1)) (i32.const 0x08070605))
(assert_trap (invoke "i32_load" (i32.const -4) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "i32_load" (i32.const 65529) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "i32_load" (i32.const 65528) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "i32_load" (i32.const -1) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "i32_load" (i32.const -5) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "i64_load" (i32.const 0) (i32.const 0)) (i64.const 0x0807060504030201))
(assert_return (invoke "i64_load" (i32.const 1) (i32.const -1)) (i64.const 0x0807060504030201))
(assert_trap (invoke "i64_load" (i32.const 65528) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "f32_load" (i32.const 10) (i32.const 20)) (f32.const 1.5))
(assert_return (invoke "f64_load" (i32.const 30) (i32.const 2)) (f64.const 2.25))
(assert_trap (invoke "f64_load" (i32.const 65528) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "i32_load8_s" (i32.const 10) (i32.const 6)) (i32.const -128))
(assert_return (invoke "i32_load8_s" (i32.const 17) (i32.const 0)) (i32.const -127))
(assert_return (invoke "i32_load8_u" (i32.const 10) (i32.const 6)) (i32.const 128))
(assert_return (invoke "i32_load8_u" (i32.const 65535) (i32.const 0)) (i32.const 0xef))
(assert_trap (invoke "i32_load8_u" (i32.const 65535) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "i32_load16_s" (i32.const 8) (i32.const 8)) (i32.const -32384))
(assert_return (invoke "i32_load16_u" (i32.const 8) (i32.const 8)) (i32.const 33152))
(assert_trap (invoke "i32_load16_u" (i32.const 65535) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "i64_load8_s" (i32.const 8) (i32.const 8)) (i64.const -128))
(assert_trap (invoke "load8_top" (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "load8_top" (i32.const 1) (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "load8_top" (i32.const -1) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "load_top" (i32.const 4) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "load_top" (i32.const 2) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "load_top" (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "tee_address" (i32.const -1)) (i32.const 0x80) (i32.const 0))
(assert_return (invoke "tee_address" (i32.const 0)) (i32.const 0x81) (i32.const 1))
(assert_return (invoke "load_into_operand" (i32.const 2) (i32.const 2)) (i32.const 0x08070605))
(assert_return (invoke "label_between" (i32.const 2) (i32.const 2)) (i32.const 0x08070605))
(assert_trap (invoke "label_between" (i32.const 65533) (i32.const 0)) "out of bounds memory access")

;; ---- stores: <store>_ADD; each returns what a plain load finds at `at` afterwards ----
(module
  (memory 1)
  (data (i32.const 65532) "\de\ad\be\ef")

  ;; expect-code: i32_store: I32_STORE_ADD I32_LOAD
  ;; expect-no-code: i32_store: I32_ADD I32_STORE
  ;; expect-invoke: i32_store 1000 24 -559038737 1032 -> -559038737
  ;; expect-invoke: i32_store 65524 1 7 0 -> trap: out of bounds memory access
  (func (export "i32_store") (param $a i32) (param $b i32) (param $v i32) (param $at i32) (result i32)
    (i32.store offset=8 (i32.add (local.get $a) (local.get $b)) (local.get $v))
    (i32.load (local.get $at)))
  ;; expect-code: i64_store: I64_STORE_ADD I64_LOAD
  ;; expect-no-code: i64_store: I32_ADD I64_STORE
  (func (export "i64_store") (param $a i32) (param $b i32) (param $v i64) (param $at i32) (result i64)
    (i64.store (i32.add (local.get $a) (local.get $b)) (local.get $v))
    (i64.load (local.get $at)))
  ;; The stored bits are read back as an integer: NaN payloads must survive.
  ;; expect-code: f32_store: F32_STORE_ADD I32_LOAD
  ;; expect-no-code: f32_store: I32_ADD F32_STORE
  (func (export "f32_store") (param $a i32) (param $b i32) (param $v f32) (param $at i32) (result i32)
    (f32.store offset=1 (i32.add (local.get $a) (local.get $b)) (local.get $v))
    (i32.load (local.get $at)))
  ;; expect-code: f64_store: F64_STORE_ADD I64_LOAD
  ;; expect-no-code: f64_store: I32_ADD F64_STORE
  (func (export "f64_store") (param $a i32) (param $b i32) (param $v f64) (param $at i32) (result i64)
    (f64.store (i32.add (local.get $a) (local.get $b)) (local.get $v))
    (i64.load (local.get $at)))
  ;; One byte only: the i32 read back shows the neighbours untouched.
  ;; expect-code: i32_store8: I32_STORE8_ADD I32_LOAD
  ;; expect-no-code: i32_store8: I32_ADD I32_STORE8
  (func (export "i32_store8") (param $a i32) (param $b i32) (param $v i32) (param $at i32) (result i32)
    (i32.store8 offset=3 (i32.add (local.get $a) (local.get $b)) (local.get $v))
    (i32.load (local.get $at)))
  ;; i32.store16 has no fused form.
  ;; expect-code: i32_store16: I32_ADD I32_STORE16
  (func (export "i32_store16") (param $a i32) (param $b i32) (param $v i32) (param $at i32) (result i32)
    (i32.store16 (i32.add (local.get $a) (local.get $b)) (local.get $v))
    (i32.load (local.get $at)))
  ;; The value is the address itself, set by local.tee: written after the sum (the new $p).
  ;; expect-code: store_own_address: I32_STORE_ADD
  ;; expect-no-code: store_own_address: I32_ADD I32_STORE
  (func (export "store_own_address") (param $p i32) (result i32)
    (i32.store (local.tee $p (i32.add (local.get $p) (i32.const 4))) (local.get $p))
    (i32.load (local.get $p)))
  ;; The value is a constant with a slot (the low byte of 0x1ff).
  ;; expect-code: store8_constant: I32_STORE8_ADD
  (func (export "store8_constant") (param $a i32) (param $b i32) (param $at i32) (result i32)
    (i32.store8 (i32.add (local.get $a) (local.get $b)) (i32.const 0x1ff))
    (i32.load (local.get $at)))
  ;; expect-code: peek: I32_LOAD
  (func (export "peek") (param $at i32) (result i32)
    (i32.load (local.get $at))))

(assert_return (invoke "i32_store" (i32.const 1000) (i32.const 24) (i32.const 0xdeadbeef) (i32.const 1032)) (i32.const 0xdeadbeef))
(assert_return (invoke "i32_store" (i32.const -1) (i32.const 1041) (i32.const 0x12345678) (i32.const 1048)) (i32.const 0x12345678))
(assert_return (invoke "i64_store" (i32.const 1050) (i32.const 6) (i64.const 0x0123456789abcdef) (i32.const 1056)) (i64.const 0x0123456789abcdef))
(assert_return (invoke "f32_store" (i32.const 1063) (i32.const 0) (f32.const nan:0x200001) (i32.const 1064)) (i32.const 0x7fa00001))
(assert_return (invoke "f32_store" (i32.const 1067) (i32.const 0) (f32.const -0x1p-149) (i32.const 1068)) (i32.const 0x80000001))
(assert_return (invoke "f64_store" (i32.const 1070) (i32.const 2) (f64.const -nan:0x4000000000001) (i32.const 1072)) (i64.const 0xfff4000000000001))
(assert_return (invoke "i32_store8" (i32.const 1080) (i32.const 1) (i32.const 0xabcd) (i32.const 1084)) (i32.const 0xcd))
(assert_return (invoke "i32_store16" (i32.const 1090) (i32.const 2) (i32.const 0x12345) (i32.const 1092)) (i32.const 0x2345))
(assert_return (invoke "store_own_address" (i32.const 1096)) (i32.const 1100))
(assert_return (invoke "store8_constant" (i32.const 1100) (i32.const 4) (i32.const 1104)) (i32.const 0xff))
;; At the end of memory: the last word is writable, one byte further traps and writes nothing.
(assert_return (invoke "i32_store" (i32.const 65520) (i32.const 0) (i32.const 0x11223344) (i32.const 65528)) (i32.const 0x11223344))
(assert_trap (invoke "i32_store" (i32.const 65525) (i32.const 0) (i32.const 0x55667788) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65528)) (i32.const 0x11223344))
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 0xefbeadde))
(assert_trap (invoke "i64_store" (i32.const 65532) (i32.const 0) (i64.const -1) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 0xefbeadde))
(assert_trap (invoke "f64_store" (i32.const 65530) (i32.const 1) (f64.const 1) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 0xefbeadde))
(assert_trap (invoke "f32_store" (i32.const 65535) (i32.const -2) (f32.const 1) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 0xefbeadde))
;; (a + b) wraps at 2^32 before the offset is added: -8 + 8 + offset 8 is address 8, not a trap.
(assert_return (invoke "i32_store" (i32.const -8) (i32.const 8) (i32.const 0x7777) (i32.const 8)) (i32.const 0x7777))
(assert_trap (invoke "i32_store" (i32.const -8) (i32.const 0) (i32.const 1) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "i32_store8" (i32.const -3) (i32.const 0) (i32.const 1) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "i32_store8" (i32.const -3) (i32.const 3) (i32.const 0x99) (i32.const 0)) (i32.const 0x99000000))

;; ---- arithmetic with a memory operand: <op>_LOAD ----
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08")
  (data (i32.const 32) "\00\00\c0\3f")
  (data (i32.const 40) "\00\00\00\00\00\00\02\40")
  (data (i32.const 65528) "\00\00\00\00\00\00\f0\3f")

  ;; expect-code: i32_add_load: I32_ADD_LOAD
  ;; expect-no-code: i32_add_load: I32_ADD I32_LOAD
  ;; expect-invoke: i32_add_load 1 0 -> 134678022
  ;; expect-invoke: i32_add_load 1 65533 -> trap: out of bounds memory access
  (func (export "i32_add_load") (param $x i32) (param $p i32) (result i32)
    (i32.add (local.get $x) (i32.load offset=4 (local.get $p))))
  ;; The load first: add is commutative, still fused.
  ;; expect-code: i32_load_add_commuted: I32_ADD_LOAD
  ;; expect-no-code: i32_load_add_commuted: I32_ADD I32_LOAD
  (func (export "i32_load_add_commuted") (param $x i32) (param $p i32) (result i32)
    (i32.add (i32.load (local.get $p)) (local.get $x)))
  ;; expect-code: f32_add_load: F32_ADD_LOAD
  ;; expect-no-code: f32_add_load: F32_ADD F32_LOAD
  (func (export "f32_add_load") (param $x f32) (param $p i32) (result f32)
    (f32.add (local.get $x) (f32.load offset=32 (local.get $p))))
  ;; expect-code: f32_sub_load: F32_SUB_LOAD
  ;; expect-no-code: f32_sub_load: F32_SUB F32_LOAD
  (func (export "f32_sub_load") (param $x f32) (param $p i32) (result f32)
    (f32.sub (local.get $x) (f32.load offset=32 (local.get $p))))
  ;; expect-code: f32_mul_load: F32_MUL_LOAD
  ;; expect-no-code: f32_mul_load: F32_MUL F32_LOAD
  (func (export "f32_mul_load") (param $x f32) (param $p i32) (result f32)
    (f32.mul (f32.load offset=32 (local.get $p)) (local.get $x)))
  ;; expect-code: f64_add_load: F64_ADD_LOAD
  ;; expect-no-code: f64_add_load: F64_ADD F64_LOAD
  ;; expect-invoke: f64_add_load 1 -2 -> trap: out of bounds memory access
  (func (export "f64_add_load") (param $x f64) (param $p i32) (result f64)
    (f64.add (f64.load offset=40 (local.get $p)) (local.get $x)))
  ;; expect-code: f64_sub_load: F64_SUB_LOAD
  ;; expect-no-code: f64_sub_load: F64_SUB F64_LOAD
  (func (export "f64_sub_load") (param $x f64) (param $p i32) (result f64)
    (f64.sub (local.get $x) (f64.load offset=40 (local.get $p))))
  ;; expect-code: f64_mul_load: F64_MUL_LOAD
  ;; expect-no-code: f64_mul_load: F64_MUL F64_LOAD
  (func (export "f64_mul_load") (param $x f64) (param $p i32) (result f64)
    (f64.mul (local.get $x) (f64.load offset=40 (local.get $p))))
  ;; Near 2^32: p + offset past the end of memory must trap (as a 32-bit sum it would not).
  ;; expect-code: f64_add_load_top: F64_ADD_LOAD
  (func (export "f64_add_load_top") (param $x f64) (param $p i32) (result f64)
    (f64.add (local.get $x) (f64.load offset=65528 (local.get $p))))
  ;; sub is not commutative: with the load as its first operand, no fusion.
  ;; expect-code: f32_load_sub: F32_LOAD F32_SUB
  ;; expect-no-code: f32_load_sub: F32_SUB_LOAD
  (func (export "f32_load_sub") (param $x f32) (param $p i32) (result f32)
    (f32.sub (f32.load offset=32 (local.get $p)) (local.get $x)))
  ;; expect-code: f64_load_sub: F64_LOAD F64_SUB
  ;; expect-no-code: f64_load_sub: F64_SUB_LOAD
  (func (export "f64_load_sub") (param $x f64) (param $p i32) (result f64)
    (f64.sub (f64.load offset=40 (local.get $p)) (local.get $x)))
  ;; No fused forms for these.
  ;; expect-code: i32_sub_load: I32_LOAD I32_SUB
  (func (export "i32_sub_load") (param $x i32) (param $p i32) (result i32)
    (i32.sub (local.get $x) (i32.load (local.get $p))))
  ;; expect-code: i64_add_load: I64_LOAD I64_ADD
  (func (export "i64_add_load") (param $x i64) (param $p i32) (result i64)
    (i64.add (local.get $x) (i64.load (local.get $p))))
  ;; Both operands loaded: the second load is fused into the add.
  ;; expect-code: two_loads: I32_LOAD I32_ADD_LOAD
  (func (export "two_loads") (param $p i32) (param $q i32) (result i32)
    (i32.add (i32.load (local.get $p)) (i32.load (local.get $q))))
  ;; The loaded value goes to a local first: nothing to fuse.
  ;; expect-code: via_local: I32_LOAD I32_ADD
  ;; expect-no-code: via_local: I32_ADD_LOAD
  (func (export "via_local") (param $x i32) (param $p i32) (result i32) (local $t i32)
    (local.set $t (i32.load (local.get $p)))
    (i32.add (local.get $x) (local.get $t)))
  ;; The result goes to the address's local: the address is read before it is written.
  ;; expect-code: result_to_address: I32_ADD_LOAD
  (func (export "result_to_address") (param $x i32) (param $p i32) (result i32)
    (local.set $p (i32.add (local.get $x) (i32.load (local.get $p))))
    (local.get $p))
  ;; The other operand's local changes between the load and the add: the add must use the value
  ;; read before (x), the copy made for it keeps the load and the add apart.
  ;; expect-code: operand_changed: I32_LOAD I32_ADD COPY2
  ;; expect-no-code: operand_changed: I32_ADD_LOAD
  (func (export "operand_changed") (param $x i32) (param $p i32) (result i32)
    local.get $x
    (i32.load (local.get $p))
    (local.set $x (i32.const 1000))
    i32.add)
  ;; The address's local changes between the load and the add: the loaded value is the one from
  ;; the old address.
  ;; expect-code: address_changed: I32_LOAD I32_ADD
  ;; expect-no-code: address_changed: I32_ADD_LOAD
  (func (export "address_changed") (param $x i32) (param $p i32) (result i32)
    local.get $x
    (i32.load (local.get $p))
    (local.set $p (i32.const 4))
    i32.add))

(assert_return (invoke "i32_add_load" (i32.const 1) (i32.const 0)) (i32.const 0x08070606))
(assert_return (invoke "i32_add_load" (i32.const -1) (i32.const 0)) (i32.const 0x08070604))
(assert_trap (invoke "i32_add_load" (i32.const -1) (i32.const -4)) "out of bounds memory access")
(assert_trap (invoke "i32_add_load" (i32.const 1) (i32.const 65529)) "out of bounds memory access")
(assert_trap (invoke "i32_add_load" (i32.const 1) (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "i32_load_add_commuted" (i32.const 0x10) (i32.const 1)) (i32.const 0x05040312))
(assert_return (invoke "f32_add_load" (f32.const 10) (i32.const 0)) (f32.const 11.5))
(assert_return (invoke "f32_sub_load" (f32.const 10) (i32.const 0)) (f32.const 8.5))
(assert_return (invoke "f32_mul_load" (f32.const 10) (i32.const 0)) (f32.const 15))
(assert_return (invoke "f32_mul_load" (f32.const inf) (i32.const 0)) (f32.const inf))
(assert_return (invoke "f64_add_load" (f64.const 10) (i32.const 0)) (f64.const 12.25))
(assert_return (invoke "f64_add_load" (f64.const 10) (i32.const 65488)) (f64.const 11))
(assert_trap (invoke "f64_add_load" (f64.const 10) (i32.const 65489)) "out of bounds memory access")
(assert_return (invoke "f64_sub_load" (f64.const 10) (i32.const 0)) (f64.const 7.75))
(assert_return (invoke "f64_mul_load" (f64.const 10) (i32.const 0)) (f64.const 22.5))
(assert_return (invoke "f64_mul_load" (f64.const nan:0x8000000000001) (i32.const 0)) (f64.const nan:arithmetic))
(assert_return (invoke "f64_add_load_top" (f64.const 1) (i32.const 0)) (f64.const 2))
(assert_trap (invoke "f64_add_load_top" (f64.const 1) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "f64_add_load_top" (f64.const 1) (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "f64_add_load_top" (f64.const 1) (i32.const -65528)) "out of bounds memory access")
(assert_return (invoke "f32_load_sub" (f32.const 10) (i32.const 0)) (f32.const -8.5))
(assert_return (invoke "f64_load_sub" (f64.const 10) (i32.const 0)) (f64.const -7.75))
(assert_return (invoke "i32_sub_load" (i32.const 0) (i32.const 0)) (i32.const -0x04030201))
(assert_return (invoke "i64_add_load" (i64.const 1) (i32.const 0)) (i64.const 0x0807060504030202))
(assert_return (invoke "two_loads" (i32.const 0) (i32.const 4)) (i32.const 0x0c0a0806))
(assert_return (invoke "via_local" (i32.const 1) (i32.const 0)) (i32.const 0x04030202))
(assert_return (invoke "result_to_address" (i32.const 1) (i32.const 0)) (i32.const 0x04030202))
(assert_return (invoke "operand_changed" (i32.const 1) (i32.const 0)) (i32.const 0x04030202))
(assert_return (invoke "address_changed" (i32.const 1) (i32.const 0)) (i32.const 0x04030202))

;; ---- after memory.grow, the fused forms reach the new page ----
(module
  (memory 1 2)
  ;; expect-code: load_new_page: I32_LOAD_ADD
  (func (export "load_new_page") (param $a i32) (param $b i32) (result i32)
    (i32.load offset=65536 (i32.add (local.get $a) (local.get $b))))
  ;; expect-code: store_new_page: I32_STORE_ADD
  (func (export "store_new_page") (param $a i32) (param $b i32) (param $v i32)
    (i32.store offset=65536 (i32.add (local.get $a) (local.get $b)) (local.get $v)))
  ;; expect-code: add_load_new_page: I32_ADD_LOAD
  (func (export "add_load_new_page") (param $x i32) (param $p i32) (result i32)
    (i32.add (local.get $x) (i32.load offset=65536 (local.get $p))))
  (func (export "grow") (result i32) (memory.grow (i32.const 1))))

(assert_trap (invoke "load_new_page" (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "store_new_page" (i32.const 0) (i32.const 0) (i32.const 5)) "out of bounds memory access")
(assert_trap (invoke "add_load_new_page" (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "grow") (i32.const 1))
(assert_return (invoke "load_new_page" (i32.const 0) (i32.const 0)) (i32.const 0))
(assert_return (invoke "load_new_page" (i32.const 65530) (i32.const 2)) (i32.const 0x00000000))
(assert_return (invoke "store_new_page" (i32.const 65530) (i32.const 2) (i32.const 0x1234)))
(assert_return (invoke "load_new_page" (i32.const 65532) (i32.const 0)) (i32.const 0x1234))
(assert_return (invoke "add_load_new_page" (i32.const 1) (i32.const 65532)) (i32.const 0x1235))
(assert_trap (invoke "load_new_page" (i32.const 65533) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "add_load_new_page" (i32.const 1) (i32.const 65533)) "out of bounds memory access")

;; ---- a load with its address sum, added to right away: <load>_ADD_THEN_ADD ----
;; Memory: 0: 01 02 03 04 05 06 07 08, 65532: de ad be ef.
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08")
  (data (i32.const 65532) "\de\ad\be\ef")
  ;; acc + p[i]
  ;; expect-code: sum_bytes: I32_LOAD8_U_ADD_THEN_ADD
  ;; expect-no-code: sum_bytes: I32_LOAD8_U_ADD I32_ADD
  ;; expect-invoke: sum_bytes 100 2 3 -> 106
  ;; expect-invoke: sum_bytes -1 65535 0 -> 238
  ;; expect-invoke: sum_bytes 0 65535 1 -> trap: out of bounds memory access
  (func (export "sum_bytes") (param $acc i32) (param $p i32) (param $i i32) (result i32)
    (i32.add (local.get $acc) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
  ;; p[i] as an i32 (offset 4), then + acc
  ;; expect-code: sum_words: I32_LOAD_ADD_THEN_ADD
  ;; expect-no-code: sum_words: I32_LOAD_ADD I32_ADD
  ;; expect-invoke: sum_words 0 2 -2 -> 134678021
  ;; expect-invoke: sum_words 0 65528 0 -> -272716322
  ;; expect-invoke: sum_words 0 65529 0 -> trap: out of bounds memory access
  (func (export "sum_words") (param $acc i32) (param $p i32) (param $i i32) (result i32)
    (i32.add (i32.load offset=4 (i32.add (local.get $p) (local.get $i))) (local.get $acc)))
  ;; The address sum is kept in a local (tee) and added afterwards: the fused form writes it.
  ;; expect-code: sum_kept: I32_LOAD8_U_ADD_THEN_ADD
  ;; expect-invoke: sum_kept 10 1 2 -> 17
  (func (export "sum_kept") (param $acc i32) (param $p i32) (param $i i32) (result i32) (local $q i32)
    (i32.add (i32.add (local.get $acc) (i32.load8_u (local.tee $q (i32.add (local.get $p) (local.get $i)))))
             (local.get $q)))
  ;; The addend is the address sum itself: read after the fused form writes it.
  ;; expect-code: sum_self: I32_LOAD8_U_ADD_THEN_ADD
  ;; expect-invoke: sum_self 1 2 -> 7
  (func (export "sum_self") (param $p i32) (param $i i32) (result i32) (local $q i32)
    (i32.add (i32.load8_u (local.tee $q (i32.add (local.get $p) (local.get $i)))) (local.get $q)))
  ;; The loaded value is kept in a local: not fused.
  ;; expect-code: value_kept: I32_LOAD8_U_ADD I32_ADD
  ;; expect-no-code: value_kept: I32_LOAD8_U_ADD_THEN_ADD
  ;; expect-invoke: value_kept 1 1 -> 6
  (func (export "value_kept") (param $p i32) (param $i i32) (result i32) (local $v i32)
    (i32.add (local.tee $v (i32.load8_u (i32.add (local.get $p) (local.get $i)))) (local.get $v))))

(assert_return (invoke "sum_bytes" (i32.const 100) (i32.const 2) (i32.const 3)) (i32.const 106))
(assert_trap (invoke "sum_bytes" (i32.const 0) (i32.const 65535) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "sum_words" (i32.const 0) (i32.const 2) (i32.const -2)) (i32.const 134678021))
(assert_return (invoke "sum_kept" (i32.const 10) (i32.const 1) (i32.const 2)) (i32.const 17))
(assert_return (invoke "sum_self" (i32.const 1) (i32.const 2)) (i32.const 7))
(assert_return (invoke "value_kept" (i32.const 1) (i32.const 1)) (i32.const 6))
