;; values.wast: where results go. I32_ADD_SHL (base + (x << k) in one instruction) and the loads
;; from such an address (<load>_SHL), SELECT with
;; every type, and the "fresh value" path: an instruction whose result is stored by the next
;; local.set / local.tee (or returned) writes the local (or the result slot) directly, without a
;; COPY, unless an operand still on the stack reads the old value of that local. Operands that
;; alias the destination must be read before it is written.

;; ---- i32.add + i32.shl ----
(module
  (memory 1)
  (data (i32.const 12) "\2a\00\00\00")
  (data (i32.const 32) "\01\02\03\04\05\06\07\08\00\00\c0\3f\00\00\00\00\00\00\f8\3f")
  ;; expect-code: add_shl: I32_ADD_SHL
  ;; expect-no-code: add_shl: I32_ADD I32_SHL
  (func (export "add_shl") (param $base i32) (param $x i32) (result i32)
    (i32.add (local.get $base) (i32.shl (local.get $x) (i32.const 2))))
  ;; The shift first: add is commutative.
  ;; expect-code: shl_add: I32_ADD_SHL
  ;; expect-no-code: shl_add: I32_ADD I32_SHL
  (func (export "shl_add") (param $base i32) (param $x i32) (param $k i32) (result i32)
    (i32.add (i32.shl (local.get $x) (local.get $k)) (local.get $base)))
  ;; The result goes to the local the operands read: b + (b << 3), read before written.
  ;; expect-code: add_shl_alias: I32_ADD_SHL
  ;; expect-no-code: add_shl_alias: COPY COPY2
  (func (export "add_shl_alias") (param $b i32) (result i32)
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $b) (i32.const 3))))
    (i32.add (local.get $b) (local.get $b)))
  ;; The shifted value is kept in a local (local.tee): not a temporary, no fusion.
  ;; expect-code: shl_kept: I32_SHL I32_ADD
  ;; expect-no-code: shl_kept: I32_ADD_SHL
  (func (export "shl_kept") (param $base i32) (param $x i32) (result i32 i32) (local $t i32)
    (i32.add (local.get $base) (local.tee $t (i32.shl (local.get $x) (i32.const 4))))
    (local.get $t))
  ;; Array indexing: the load computes its address as I32_ADD_SHL would (I32_LOAD_SHL, not a
  ;; LOAD_ADD: the address is not a plain sum).
  ;; expect-code: index: I32_LOAD_SHL
  ;; expect-no-code: index: I32_LOAD_ADD I32_ADD_SHL I32_LOAD
  (func (export "index") (param $base i32) (param $i i32) (result i32)
    (i32.load (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))
  ;; Every width; the offset is added after the shift; the index kept in a local (local.tee) is
  ;; still written.
  ;; expect-code: index64: I64_LOAD_SHL
  (func (export "index64") (param $base i32) (param $i i32) (result i64)
    (i64.load offset=8 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 3)))))
  ;; expect-code: index_f32: F32_LOAD_SHL
  (func (export "index_f32") (param $base i32) (param $i i32) (result f32)
    (f32.load offset=4 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))
  ;; expect-code: index_f64: F64_LOAD_SHL
  (func (export "index_f64") (param $base i32) (param $i i32) (result f64) (local $a i32)
    (f64.load (local.tee $a (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 3)))))
    (f64.convert_i32_u (local.get $a))
    (f64.add))
  ;; i64 has no fused form.
  ;; expect-code: add_shl64: I64_SHL I64_ADD
  (func (export "add_shl64") (param $base i64) (param $x i64) (result i64)
    (i64.add (local.get $base) (i64.shl (local.get $x) (i64.const 33)))))

(assert_return (invoke "add_shl" (i32.const 1) (i32.const 10)) (i32.const 41))
(assert_return (invoke "add_shl" (i32.const 0x7fffffff) (i32.const 0x20000000)) (i32.const -1))
(assert_return (invoke "add_shl" (i32.const -1) (i32.const 0x40000000)) (i32.const -1))
(assert_return (invoke "shl_add" (i32.const 5) (i32.const 1) (i32.const 31)) (i32.const 0x80000005))
;; The shift count is taken modulo 32.
(assert_return (invoke "shl_add" (i32.const 5) (i32.const 1) (i32.const 33)) (i32.const 7))
(assert_return (invoke "shl_add" (i32.const 5) (i32.const 3) (i32.const -1)) (i32.const 0x80000005))
(assert_return (invoke "shl_add" (i32.const 0x7fffffff) (i32.const 1) (i32.const 31)) (i32.const -1))
(assert_return (invoke "add_shl_alias" (i32.const 3)) (i32.const 54))
(assert_return (invoke "add_shl_alias" (i32.const 0x20000000)) (i32.const 0x40000000))
(assert_return (invoke "shl_kept" (i32.const 1) (i32.const 2)) (i32.const 33) (i32.const 32))
(assert_return (invoke "index" (i32.const 4) (i32.const 2)) (i32.const 42))
(assert_return (invoke "index" (i32.const 16) (i32.const -1)) (i32.const 42))
(assert_trap (invoke "index" (i32.const 65532) (i32.const 1)) "out of bounds memory access")
;; bytes 32..39 hold 01..08 (an i64 at 16 + (1 << 3) + 8), bytes 40..43 1.5 as f32, 44..51 1.5 as f64
(assert_return (invoke "index64" (i32.const 16) (i32.const 1)) (i64.const 0x0807060504030201))
(assert_return (invoke "index64" (i32.const 65520) (i32.const 0)) (i64.const 0))
(assert_trap (invoke "index64" (i32.const 65528) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "index_f32" (i32.const 24) (i32.const 3)) (f32.const 1.5))
;; the address wraps at 32 bits: base + (i << 2) = 2^32 + 36, the offset makes it 40
(assert_return (invoke "index_f32" (i32.const 36) (i32.const 0x40000000)) (f32.const 1.5))
(assert_return (invoke "index_f64" (i32.const 36) (i32.const 1)) (f64.const 45.5))
(assert_trap (invoke "index_f64" (i32.const 0) (i32.const 0x2000)) "out of bounds memory access")
(assert_return (invoke "add_shl64" (i64.const 1) (i64.const 3)) (i64.const 0x600000001))

;; ---- select ----
(module
  (func $f)
  (elem declare func $f)
  ;; expect-code: select_i32: SELECT
  (func (export "select_i32") (param i32 i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (local.get 2)))
  ;; expect-code: select_i64: SELECT
  (func (export "select_i64") (param i64 i64 i32) (result i64)
    (select (local.get 0) (local.get 1) (local.get 2)))
  ;; expect-code: select_f32: SELECT
  (func (export "select_f32") (param f32 f32 i32) (result f32)
    (select (local.get 0) (local.get 1) (local.get 2)))
  ;; expect-code: select_f64: SELECT
  (func (export "select_f64") (param f64 f64 i32) (result f64)
    (select (local.get 0) (local.get 1) (local.get 2)))
  ;; expect-code: select_externref: SELECT
  (func (export "select_externref") (param externref externref i32) (result externref)
    (select (result externref) (local.get 0) (local.get 1) (local.get 2)))
  ;; A funcref made by ref.func against null; returns whether the result is null.
  ;; expect-code: select_funcref: SELECT REF_FUNC
  (func (export "select_funcref") (param i32) (result i32)
    (ref.is_null (select (result funcref) (ref.func $f) (ref.null func) (local.get 0))))
  ;; The result goes to the condition's local, and to an operand's local: read before written.
  ;; expect-code: select_into_cond: SELECT
  ;; expect-no-code: select_into_cond: COPY COPY2
  (func (export "select_into_cond") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local.set $c (select (local.get $a) (local.get $b) (local.get $c)))
    (i32.add (local.get $c) (local.get $c)))
  ;; expect-code: select_into_operand: SELECT
  ;; expect-no-code: select_into_operand: COPY COPY2
  (func (export "select_into_operand") (param $a i64) (param $b i64) (param $c i32) (result i64)
    (local.set $a (select (local.get $b) (local.get $a) (local.get $c)))
    (i64.add (local.get $a) (local.get $a)))
  ;; The condition is an i32 whose slot holds garbage in its upper half (see
  ;; branch_edges.wast): select must test the low 32 bits only.
  ;; expect-code: select_dirty_cond: F32_CEIL SELECT
  (func (export "select_dirty_cond") (param $x i64) (param $f f32) (result i32)
    i32.const 1
    i32.const 2
    (drop (i64.or (local.get $x) (local.get $x)))
    (i32.reinterpret_f32 (f32.ceil (local.get $f)))
    select))

(assert_return (invoke "select_i32" (i32.const 1) (i32.const 2) (i32.const 1)) (i32.const 1))
(assert_return (invoke "select_i32" (i32.const 1) (i32.const 2) (i32.const 0)) (i32.const 2))
(assert_return (invoke "select_i32" (i32.const 1) (i32.const 2) (i32.const -2147483648)) (i32.const 1))
(assert_return (invoke "select_i64" (i64.const 0x100000001) (i64.const -1) (i32.const 7)) (i64.const 0x100000001))
(assert_return (invoke "select_i64" (i64.const 0x100000001) (i64.const -1) (i32.const 0)) (i64.const -1))
(assert_return (invoke "select_f32" (f32.const nan:0x200001) (f32.const 2) (i32.const 1)) (f32.const nan:0x200001))
(assert_return (invoke "select_f32" (f32.const 1) (f32.const -0.0) (i32.const 0)) (f32.const -0.0))
(assert_return (invoke "select_f64" (f64.const -nan:0x4000000000001) (f64.const 2) (i32.const 1)) (f64.const -nan:0x4000000000001))
(assert_return (invoke "select_f64" (f64.const 1) (f64.const 0x1p-1074) (i32.const 0)) (f64.const 0x1p-1074))
(assert_return (invoke "select_externref" (ref.extern 1) (ref.extern 2) (i32.const 1)) (ref.extern 1))
(assert_return (invoke "select_externref" (ref.extern 1) (ref.null extern) (i32.const 0)) (ref.null extern))
(assert_return (invoke "select_funcref" (i32.const 1)) (i32.const 0))
(assert_return (invoke "select_funcref" (i32.const 0)) (i32.const 1))
(assert_return (invoke "select_into_cond" (i32.const 5) (i32.const 6) (i32.const 1)) (i32.const 10))
(assert_return (invoke "select_into_cond" (i32.const 5) (i32.const 6) (i32.const 0)) (i32.const 12))
(assert_return (invoke "select_into_operand" (i64.const 5) (i64.const 6) (i32.const 1)) (i64.const 12))
(assert_return (invoke "select_into_operand" (i64.const 5) (i64.const 6) (i32.const 0)) (i64.const 10))
(assert_return (invoke "select_dirty_cond" (i64.const -4294967296) (f32.const 0)) (i32.const 2))
(assert_return (invoke "select_dirty_cond" (i64.const 0) (f32.const -0.0)) (i32.const 1))

;; ---- fresh values written to locals directly ----
(module
  (global $g (mut i64) (i64.const 0x123456789))
  ;; No copy at all: the mul writes $x, the add writes the result slot.
  ;; expect-code: fresh_local: I32_MUL I32_ADD
  ;; expect-no-code: fresh_local: COPY COPY2
  (func (export "fresh_local") (param $a i32) (param $b i32) (result i32) (local $x i32)
    (local.set $x (i32.mul (local.get $a) (local.get $b)))
    (i32.add (local.get $x) (local.get $x)))
  ;; local.tee: the value is both in the local and on the stack: (a + b)^2.
  ;; expect-code: fresh_tee: I32_ADD I32_MUL
  ;; expect-no-code: fresh_tee: COPY COPY2
  (func (export "fresh_tee") (param $a i32) (param $b i32) (result i32) (local $x i32)
    (i32.mul (local.tee $x (i32.add (local.get $a) (local.get $b))) (local.get $x)))
  ;; The old value of $x is still on the stack when it is set: it is copied first, then the new
  ;; value (computed into a temporary) copied in. old x + 3y.
  ;; expect-code: set_while_read: COPY2 I32_MUL I32_ADD
  (func (export "set_while_read") (param $x i32) (param $y i32) (result i32)
    (i32.add (local.get $x) (local.tee $x (i32.mul (local.get $y) (i32.const 3)))))
  ;; The same with local.set, the old value used after the set.
  ;; expect-code: set_then_use_old: COPY2 I32_SUB
  (func (export "set_then_use_old") (param $x i32) (result i32)
    (local.get $x)
    (local.set $x (i32.mul (local.get $x) (i32.const 10)))
    (local.get $x)
    (i32.sub))
  ;; global.get and a float result through a reinterpretation go to the local directly too.
  ;; expect-code: fresh_global: GLOBAL_GET I64_ADD
  ;; expect-no-code: fresh_global: COPY COPY2
  (func (export "fresh_global") (result i64) (local $v i64)
    (local.set $v (global.get $g))
    (i64.add (local.get $v) (local.get $v)))
  ;; expect-code: fresh_reinterpret: F32_ADD I32_ADD
  ;; expect-no-code: fresh_reinterpret: COPY COPY2
  (func (export "fresh_reinterpret") (param $a f32) (param $b f32) (result i32) (local $i i32)
    (local.set $i (i32.reinterpret_f32 (f32.add (local.get $a) (local.get $b))))
    (i32.add (local.get $i) (local.get $i)))
  ;; A single result returned by br to the function's label (from inside a block): written to
  ;; the result slot directly, though it reads that slot (param 0) as an operand.
  ;; expect-code: fresh_return: I32_SUB RETURN
  ;; expect-no-code: fresh_return: COPY COPY2
  (func (export "fresh_return") (param $a i32) (param $b i32) (result i32)
    (block (br 1 (i32.sub (local.get $b) (local.get $a))))
    (i32.const -1))
  ;; Returning locals in swapped order: a parallel move (the first is saved before it is
  ;; overwritten).
  ;; expect-code: swap3: COPY RETURN
  (func (export "swap3") (param $a i64) (param $b i64) (param $c i64) (result i64 i64 i64)
    (local.get $c) (local.get $a) (local.get $b)))

(assert_return (invoke "fresh_local" (i32.const 6) (i32.const 7)) (i32.const 84))
(assert_return (invoke "fresh_tee" (i32.const 2) (i32.const 3)) (i32.const 25))
(assert_return (invoke "set_while_read" (i32.const 100) (i32.const 5)) (i32.const 115))
(assert_return (invoke "set_then_use_old" (i32.const 7)) (i32.const -63))
(assert_return (invoke "fresh_global") (i64.const 0x2468acf12))
(assert_return (invoke "fresh_reinterpret" (f32.const 1) (f32.const 1)) (i32.const 0x80000000))
(assert_return (invoke "fresh_return" (i32.const 3) (i32.const 10)) (i32.const 7))
(assert_return (invoke "swap3" (i64.const 1) (i64.const 2) (i64.const 3)) (i64.const 3) (i64.const 1) (i64.const 2))
