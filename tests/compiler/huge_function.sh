#!/usr/bin/env bash
# huge_function.sh: writes the WAT of a module whose one function is huge, for the compiling
# tier's caps (src/engine/native.h): huge_function.sh body N > out.wat makes a body of N blocks of
# straight-line code (about 24 bytes of wasm each), huge_function.sh locals N one with N i32
# locals used in a loop. The function is exported as "run" and returns an i32 (the same on both
# tiers), so that the interpreter can still run what the compiler refuses.
set -euo pipefail
kind=${1:?usage: huge_function.sh body|locals N} n=${2:?usage: huge_function.sh body|locals N}
case $kind in
body)
    awk -v n="$n" 'BEGIN {
        print "(module"
        print "  (func (export \"run\") (result i32) (local i32 i32)"
        print "    (local.set 1 (i32.const 1))"
        for (i = 0; i < n; i++) {
            printf "    (local.set 0 (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const %d))))\n", i % 1000 + 1000
            printf "    (local.set 1 (i32.xor (local.get 1) (i32.rotl (local.get 0) (i32.const %d))))\n", i % 31 + 1
        }
        print "    (i32.add (local.get 0) (local.get 1))))"
    }'
    ;;
locals)
    awk -v n="$n" 'BEGIN {
        print "(module"
        printf "  (func (export \"run\") (result i32) (local $i i32) (local"
        for (i = 0; i < n; i++)
            printf " i32"
        print ")"
        print "    (loop $again"
        for (i = 1; i <= n; i += 97)
            printf "      (local.set %d (i32.add (local.get %d) (local.get $i)))\n", i, i
        print "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
        print "      (br_if $again (i32.lt_u (local.get $i) (i32.const 10))))"
        print "    (local.get 1)))"
    }'
    ;;
*)
    echo "usage: huge_function.sh body|locals N" >&2
    exit 2
    ;;
esac
