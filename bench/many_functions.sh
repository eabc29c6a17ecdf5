#!/usr/bin/env bash
# many_functions.sh: writes the WAT of a module with N (default 10000) functions of mixed code,
# for measuring load time on a module with many functions: many_functions.sh [N] > out.wat
set -euo pipefail
n=${1:-10000}
awk -v n="$n" 'BEGIN {
    print "(module"
    print "  (memory 1)"
    print "  (table 16 funcref)"
    print "  (type $binary (func (param i32 i32) (result i32)))"
    for (i = 0; i < n; i++) {
        printf "  (func $f%d (type $binary) (local i32 i64 f64)\n", i
        printf "    (local.set 2 (i32.const %d))\n", i
        print  "    (block $done (loop $again"
        print  "      (br_if $done (i32.ge_u (local.get 2) (local.get 1)))"
        printf "      (i32.store offset=%d (i32.and (local.get 2) (i32.const 1020)) (i32.add (local.get 0) (local.get 2)))\n", (i % 8) * 4
        print  "      (local.set 3 (i64.mul (i64.extend_i32_u (local.get 2)) (i64.const 2654435761)))"
        print  "      (local.set 4 (f64.add (local.get 4) (f64.convert_i64_s (local.get 3))))"
        print  "      (local.set 2 (i32.add (local.get 2) (i32.const 1)))"
        print  "      (br $again)))"
        if (i > 0)
            printf "    (local.set 0 (call $f%d (local.get 0) (i32.shr_u (local.get 1) (i32.const 1))))\n", i - 1
        print  "    (if (result i32) (f64.gt (local.get 4) (f64.const 1e9))"
        print  "      (then (i32.trunc_f64_s (f64.sqrt (local.get 4))))"
        print  "      (else (i32.xor (local.get 0) (i32.wrap_i64 (local.get 3))))))"
    }
    print "  (export \"f0\" (func $f0)))"
}'
