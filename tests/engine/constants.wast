;; constants.wast: constant slots and CONST32/CONST64. The most used constants of a function (at
;; most 64, uses inside loops weighing 16 times more per level) get slots of their own, filled on
;; entry and read like locals; the others are made by CONST32 (i32, f32) or CONST64 (i64, f64,
;; null references) where they are used. Constants of different types with the same bits share a
;; slot. expect-constant / expect-no-constant check which bits got a slot.
;; Functions named overflow_* first use the 64 constants 1001..1064 (dropped: a constant with a
;; slot costs no instruction), so that their own constants are left without a slot.

(module
  (memory 1)
  (data (i32.const 8) "\2a\00\00\00")
  ;; A few constants: all in slots, no CONST instruction.
  ;; expect-constant: slots: 0x7 0x64
  ;; expect-no-code: slots: CONST32 CONST64
  (func (export "slots") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 7)) (i32.const 100)))
  ;; The same bits as i32, f32 and i64 share one slot; i32 -1 and i64 -1 do not.
  ;; expect-constant: shared_bits: 0x3f800000 0xffffffff 0xffffffffffffffff
  ;; expect-no-constant: shared_bits: 0x0
  ;; expect-no-code: shared_bits: CONST32 CONST64
  (func (export "shared_bits") (result i32 f32 i64 i32 i64 i64)
    (i32.const 0x3f800000) (f32.const 1.0) (i64.const 0x3f800000)
    (i32.const -1) (i64.const 0xffffffff) (i64.const -1))
  ;; ref.null is the constant 0: CONST64, unless a 0 of another type has a slot to share.
  ;; expect-code: null_alone: CONST64
  (func (export "null_alone") (result externref)
    (ref.null extern))
  ;; expect-constant: null_shared: 0x0
  ;; expect-no-code: null_shared: CONST64 CONST32
  (func (export "null_shared") (param i32) (result externref i32)
    (ref.null extern) (i32.add (local.get 0) (i32.const 0)))
  ;; Constants as operands of fused forms: a compare-and-branch and an address add.
  ;; expect-code: compare_constant: BR_IF_I32_LT_S
  ;; expect-constant: compare_constant: 0xa
  (func (export "compare_constant") (param i32) (result i32)
    (block (br_if 0 (i32.lt_s (local.get 0) (i32.const 10))) (return (i32.const 0)))
    (i32.const 1))
  ;; expect-code: load_constant_offset: I32_LOAD_ADD
  ;; expect-constant: load_constant_offset: 0x8
  (func (export "load_constant_offset") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 8))))
  ;; A constant carried by br_if to an outer block, and as a loop's parameter: copied from its slot.
  ;; expect-code: constant_values: COPY BR_IF_I32_EQ
  ;; expect-no-code: constant_values: CONST32
  (func (export "constant_values") (param i32) (result i32)
    (block $out (result i32)
      (drop (br_if $out (i32.const 55) (i32.ne (local.get 0) (i32.const 3))))
      (i32.const 66)
      (loop $l (param i32) (result i32))))
  ;; A constant stored into a local: a copy from its slot.
  ;; expect-code: constant_to_local: COPY
  (func (export "constant_to_local") (result i32) (local $x i32)
    (local.set $x (i32.const 123456))
    (i32.mul (local.get $x) (i32.const 2))))

(assert_return (invoke "slots" (i32.const 3)) (i32.const 121))
(assert_return (invoke "shared_bits")
  (i32.const 0x3f800000) (f32.const 1.0) (i64.const 0x3f800000) (i32.const -1) (i64.const 0xffffffff) (i64.const -1))
(assert_return (invoke "null_alone") (ref.null extern))
(assert_return (invoke "null_shared" (i32.const 5)) (ref.null extern) (i32.const 5))
(assert_return (invoke "compare_constant" (i32.const 9)) (i32.const 1))
(assert_return (invoke "compare_constant" (i32.const 10)) (i32.const 0))
(assert_return (invoke "compare_constant" (i32.const -10)) (i32.const 1))
(assert_return (invoke "load_constant_offset" (i32.const 0)) (i32.const 42))
(assert_return (invoke "constant_values" (i32.const 3)) (i32.const 66))
(assert_return (invoke "constant_values" (i32.const 4)) (i32.const 55))
(assert_return (invoke "constant_to_local") (i32.const 246912))

;; ---- more than 64 constants ----
(module
  ;; The 65th constant has no slot: CONST32 into a stack slot, used by the add.
  ;; expect-code: overflow_i32: CONST32 I32_ADD
  ;; expect-constant: overflow_i32: 0x3e9 0x428
  ;; expect-no-constant: overflow_i32: 0x1e61
  (func (export "overflow_i32") (param i32) (result i32)
    i32.const 1001 drop i32.const 1002 drop i32.const 1003 drop i32.const 1004 drop i32.const 1005 drop i32.const 1006 drop i32.const 1007 drop i32.const 1008 drop
    i32.const 1009 drop i32.const 1010 drop i32.const 1011 drop i32.const 1012 drop i32.const 1013 drop i32.const 1014 drop i32.const 1015 drop i32.const 1016 drop
    i32.const 1017 drop i32.const 1018 drop i32.const 1019 drop i32.const 1020 drop i32.const 1021 drop i32.const 1022 drop i32.const 1023 drop i32.const 1024 drop
    i32.const 1025 drop i32.const 1026 drop i32.const 1027 drop i32.const 1028 drop i32.const 1029 drop i32.const 1030 drop i32.const 1031 drop i32.const 1032 drop
    i32.const 1033 drop i32.const 1034 drop i32.const 1035 drop i32.const 1036 drop i32.const 1037 drop i32.const 1038 drop i32.const 1039 drop i32.const 1040 drop
    i32.const 1041 drop i32.const 1042 drop i32.const 1043 drop i32.const 1044 drop i32.const 1045 drop i32.const 1046 drop i32.const 1047 drop i32.const 1048 drop
    i32.const 1049 drop i32.const 1050 drop i32.const 1051 drop i32.const 1052 drop i32.const 1053 drop i32.const 1054 drop i32.const 1055 drop i32.const 1056 drop
    i32.const 1057 drop i32.const 1058 drop i32.const 1059 drop i32.const 1060 drop i32.const 1061 drop i32.const 1062 drop i32.const 1063 drop i32.const 1064 drop
    (i32.add (local.get 0) (i32.const 7777)))
  ;; CONST32 for f32 and CONST64 for f64 and i64 keep every bit, NaN payloads included; as i32
  ;; -1 and -2 made by CONST32 are zero-extended by i64.extend_i32_u, sign-extended by _s.
  ;; expect-code: overflow_bits: CONST32 CONST64
  ;; expect-no-constant: overflow_bits: 0x7fa00001 0xfff4000000000001 0x123456789abcdef0 0xffffffff 0xfffffffe
  (func (export "overflow_bits") (result f32 f64 i64 i64 i64)
    i32.const 1001 drop i32.const 1002 drop i32.const 1003 drop i32.const 1004 drop i32.const 1005 drop i32.const 1006 drop i32.const 1007 drop i32.const 1008 drop
    i32.const 1009 drop i32.const 1010 drop i32.const 1011 drop i32.const 1012 drop i32.const 1013 drop i32.const 1014 drop i32.const 1015 drop i32.const 1016 drop
    i32.const 1017 drop i32.const 1018 drop i32.const 1019 drop i32.const 1020 drop i32.const 1021 drop i32.const 1022 drop i32.const 1023 drop i32.const 1024 drop
    i32.const 1025 drop i32.const 1026 drop i32.const 1027 drop i32.const 1028 drop i32.const 1029 drop i32.const 1030 drop i32.const 1031 drop i32.const 1032 drop
    i32.const 1033 drop i32.const 1034 drop i32.const 1035 drop i32.const 1036 drop i32.const 1037 drop i32.const 1038 drop i32.const 1039 drop i32.const 1040 drop
    i32.const 1041 drop i32.const 1042 drop i32.const 1043 drop i32.const 1044 drop i32.const 1045 drop i32.const 1046 drop i32.const 1047 drop i32.const 1048 drop
    i32.const 1049 drop i32.const 1050 drop i32.const 1051 drop i32.const 1052 drop i32.const 1053 drop i32.const 1054 drop i32.const 1055 drop i32.const 1056 drop
    i32.const 1057 drop i32.const 1058 drop i32.const 1059 drop i32.const 1060 drop i32.const 1061 drop i32.const 1062 drop i32.const 1063 drop i32.const 1064 drop
    (f32.const nan:0x200001) (f64.const -nan:0x4000000000001) (i64.const 0x123456789abcdef0)
    (i64.extend_i32_u (i32.const -1)) (i64.extend_i32_s (i32.const -2)))
  ;; A constant without a slot stored into a local: CONST32 writes the local directly, no copy.
  ;; expect-code: overflow_to_local: CONST32
  ;; expect-no-code: overflow_to_local: COPY COPY2
  (func (export "overflow_to_local") (result i32) (local $x i32)
    i32.const 1001 drop i32.const 1002 drop i32.const 1003 drop i32.const 1004 drop i32.const 1005 drop i32.const 1006 drop i32.const 1007 drop i32.const 1008 drop
    i32.const 1009 drop i32.const 1010 drop i32.const 1011 drop i32.const 1012 drop i32.const 1013 drop i32.const 1014 drop i32.const 1015 drop i32.const 1016 drop
    i32.const 1017 drop i32.const 1018 drop i32.const 1019 drop i32.const 1020 drop i32.const 1021 drop i32.const 1022 drop i32.const 1023 drop i32.const 1024 drop
    i32.const 1025 drop i32.const 1026 drop i32.const 1027 drop i32.const 1028 drop i32.const 1029 drop i32.const 1030 drop i32.const 1031 drop i32.const 1032 drop
    i32.const 1033 drop i32.const 1034 drop i32.const 1035 drop i32.const 1036 drop i32.const 1037 drop i32.const 1038 drop i32.const 1039 drop i32.const 1040 drop
    i32.const 1041 drop i32.const 1042 drop i32.const 1043 drop i32.const 1044 drop i32.const 1045 drop i32.const 1046 drop i32.const 1047 drop i32.const 1048 drop
    i32.const 1049 drop i32.const 1050 drop i32.const 1051 drop i32.const 1052 drop i32.const 1053 drop i32.const 1054 drop i32.const 1055 drop i32.const 1056 drop
    i32.const 1057 drop i32.const 1058 drop i32.const 1059 drop i32.const 1060 drop i32.const 1061 drop i32.const 1062 drop i32.const 1063 drop i32.const 1064 drop
    (local.set $x (i32.const 99999))
    (i32.add (local.get $x) (local.get $x)))
  ;; Made by CONST32 and compared right away: still a fused compare-and-branch.
  ;; expect-code: overflow_compare: CONST32 BR_IF_I32_GT_U
  ;; expect-no-code: overflow_compare: I32_GT_U
  (func (export "overflow_compare") (param i32) (result i32)
    i32.const 1001 drop i32.const 1002 drop i32.const 1003 drop i32.const 1004 drop i32.const 1005 drop i32.const 1006 drop i32.const 1007 drop i32.const 1008 drop
    i32.const 1009 drop i32.const 1010 drop i32.const 1011 drop i32.const 1012 drop i32.const 1013 drop i32.const 1014 drop i32.const 1015 drop i32.const 1016 drop
    i32.const 1017 drop i32.const 1018 drop i32.const 1019 drop i32.const 1020 drop i32.const 1021 drop i32.const 1022 drop i32.const 1023 drop i32.const 1024 drop
    i32.const 1025 drop i32.const 1026 drop i32.const 1027 drop i32.const 1028 drop i32.const 1029 drop i32.const 1030 drop i32.const 1031 drop i32.const 1032 drop
    i32.const 1033 drop i32.const 1034 drop i32.const 1035 drop i32.const 1036 drop i32.const 1037 drop i32.const 1038 drop i32.const 1039 drop i32.const 1040 drop
    i32.const 1041 drop i32.const 1042 drop i32.const 1043 drop i32.const 1044 drop i32.const 1045 drop i32.const 1046 drop i32.const 1047 drop i32.const 1048 drop
    i32.const 1049 drop i32.const 1050 drop i32.const 1051 drop i32.const 1052 drop i32.const 1053 drop i32.const 1054 drop i32.const 1055 drop i32.const 1056 drop
    i32.const 1057 drop i32.const 1058 drop i32.const 1059 drop i32.const 1060 drop i32.const 1061 drop i32.const 1062 drop i32.const 1063 drop i32.const 1064 drop
    (block (br_if 0 (i32.gt_u (local.get 0) (i32.const 77777))) (return (i32.const 0)))
    (i32.const 1))
  ;; A constant used in a loop outweighs the 64 used once outside: 42 gets a slot, the last of
  ;; the others (1064 = 0x428) does not.
  ;; expect-constant: loop_weight: 0x2a 0x3e9
  ;; expect-no-constant: loop_weight: 0x428
  ;; expect-code: loop_weight: CONST32 I32_ADD_BR_IF_LT_U{BACK}
  ;; expect-invoke: loop_weight 1000 -> 1008
  (func (export "loop_weight") (param $n i32) (result i32) (local $s i32)
    i32.const 1001 drop i32.const 1002 drop i32.const 1003 drop i32.const 1004 drop i32.const 1005 drop i32.const 1006 drop i32.const 1007 drop i32.const 1008 drop
    i32.const 1009 drop i32.const 1010 drop i32.const 1011 drop i32.const 1012 drop i32.const 1013 drop i32.const 1014 drop i32.const 1015 drop i32.const 1016 drop
    i32.const 1017 drop i32.const 1018 drop i32.const 1019 drop i32.const 1020 drop i32.const 1021 drop i32.const 1022 drop i32.const 1023 drop i32.const 1024 drop
    i32.const 1025 drop i32.const 1026 drop i32.const 1027 drop i32.const 1028 drop i32.const 1029 drop i32.const 1030 drop i32.const 1031 drop i32.const 1032 drop
    i32.const 1033 drop i32.const 1034 drop i32.const 1035 drop i32.const 1036 drop i32.const 1037 drop i32.const 1038 drop i32.const 1039 drop i32.const 1040 drop
    i32.const 1041 drop i32.const 1042 drop i32.const 1043 drop i32.const 1044 drop i32.const 1045 drop i32.const 1046 drop i32.const 1047 drop i32.const 1048 drop
    i32.const 1049 drop i32.const 1050 drop i32.const 1051 drop i32.const 1052 drop i32.const 1053 drop i32.const 1054 drop i32.const 1055 drop i32.const 1056 drop
    i32.const 1057 drop i32.const 1058 drop i32.const 1059 drop i32.const 1060 drop i32.const 1061 drop i32.const 1062 drop i32.const 1063 drop i32.const 1064 drop
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.const 42)))
      (br_if $l (i32.lt_u (local.get $s) (local.get $n))))
    (local.get $s)))

(assert_return (invoke "overflow_i32" (i32.const 1)) (i32.const 7778))
(assert_return (invoke "overflow_bits")
  (f32.const nan:0x200001) (f64.const -nan:0x4000000000001) (i64.const 0x123456789abcdef0)
  (i64.const 0xffffffff) (i64.const -2))
(assert_return (invoke "overflow_to_local") (i32.const 199998))
(assert_return (invoke "overflow_compare" (i32.const 77778)) (i32.const 1))
(assert_return (invoke "overflow_compare" (i32.const 77777)) (i32.const 0))
(assert_return (invoke "overflow_compare" (i32.const -1)) (i32.const 1))
(assert_return (invoke "loop_weight" (i32.const 1)) (i32.const 42))
(assert_return (invoke "loop_weight" (i32.const 1000)) (i32.const 1008))
