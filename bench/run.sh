#!/usr/bin/env bash
# run.sh: times the bench kernels natively, under wasmhost (interpreter and compiled tier) and (when node is installed) under V8.
#
#   bench/run.sh [-n RUNS] [-k KERNEL,...] [-t SECONDS] [BUILD_DIR]
#
#   -n RUNS     runs of each program per kernel (default 5); the table shows the median
#   -k LIST     only these kernels (comma-separated names, e.g. fib,sieve); default all of bench/kernels
#   -t SECONDS  give up on a run after this long (needs timeout(1)); default no limit
#   BUILD_DIR   the CMake build directory (default: build next to bench/), holding wasmhost and bench/
#
# For each kernel it runs BUILD_DIR/bench/bench_<name>_native, `BUILD_DIR/wasmhost invoke --tier interp
# BUILD_DIR/bench/bench_<name>.wasm run` and `node bench/run_v8.mjs BUILD_DIR/bench/bench_<name>.wasm`,
# RUNS times each, timing each whole process by the wall clock; the "compiled" column runs
# `wasmhost invoke --tier compiled` with a warm cache of compiled code (a first run, not timed,
# compiles into a fresh --cache-dir; "compile ms" is what that took, "code KB" the size of the
# kernel's code section) when the build has the compiling tier (COMPILED= leaves the columns out). All must print the same checksum, and it
# must not be a failure value (the kernels return a negative number when their self-check fails).
# NODE names the node binary for the V8 column (default node; NODE= leaves the column out).
# WASMHOST_OPTIONS adds options to both wasmhost columns' `invoke`, e.g. "--timeout 1h" (code with
# deadline checks) or "--fuel 1000000000000000" (with fuel metering); without it the code has
# no run-time checks.
# Prints a table of median times and ratios to native, then the geometric mean of wasmhost/native
# over the kernels that passed. Progress goes to stderr. Exits 1 if any kernel failed or disagreed.
set -u

usage() {
    sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//'
}

runs=5
only=""
limit=""
while getopts "n:k:t:h" opt; do
    case $opt in
    n) runs=$OPTARG ;;
    k) only=$OPTARG ;;
    t) limit=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || { usage >&2; exit 2; }
case $runs in '' | *[!0-9]* | 0) echo "run.sh: -n wants a positive number" >&2; exit 2 ;; esac

bench_dir=$(cd "$(dirname "$0")" && pwd)
build=${1:-$bench_dir/../build}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "run.sh: no build directory ${1:-$bench_dir/../build}" >&2; exit 2; }
wasmhost=$build/wasmhost

if [ -n "$only" ]; then
    kernels=$(printf '%s\n' "$only" | tr ',' '\n' | sed '/^$/d')
else
    kernels=$(for f in "$bench_dir"/kernels/*.c; do [ -f "$f" ] && basename "$f" .c; done)
fi
[ -n "$kernels" ] || { echo "run.sh: no kernels" >&2; exit 2; }

compiled=${COMPILED-1}
[ -n "$compiled" ] && [ ! -f "$build/libwasmhost_llvm.so" ] && compiled=""
node=${NODE-node}
have_node=0
[ -n "$node" ] && command -v "$node" >/dev/null 2>&1 && have_node=1
[ -x "$wasmhost" ] || echo "run.sh: $wasmhost not found: the wasmhost column will say so" >&2
prefix=()
if [ -n "$limit" ]; then
    command -v timeout >/dev/null 2>&1 || { echo "run.sh: -t needs timeout(1)" >&2; exit 2; }
    prefix=(timeout "$limit")
fi

errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT

# measure EXPECTED CMD...: runs CMD $runs times. Sets `median` (seconds) and `status`: "ok", or why not.
# EXPECTED is the checksum it must print, or "" to accept any non-negative number (then sets `expected`).
measure() {
    local want=$1 times="" out rc start end i
    shift
    status=ok
    median=""
    for ((i = 0; i < runs; i++)); do
        start=$(date +%s%N)
        out=$("${prefix[@]}" "$@" 2>"$errfile")
        rc=$?
        end=$(date +%s%N)
        if [ $rc -ne 0 ]; then
            status="exit $rc: $(head -c 200 "$errfile" | tr '\n' ' ')"
            [ $rc -eq 124 ] && [ -n "$limit" ] && status="timed out after ${limit}s"
            return
        fi
        case $out in
        '' | *[!0-9]*) status="printed '$(printf '%s' "$out" | head -c 60 | tr '\n' ' ')'"; return ;;
        esac
        if [ -z "$want" ]; then
            want=$out
            expected=$out
        elif [ "$out" != "$want" ]; then
            status="printed $out, expected $want"
            return
        fi
        times="$times $((end - start))"
    done
    median=$(printf '%s' "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ t[NR] = $1 }
        END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.3f", m / 1e9 }')
}

failed=0
rows=""
problems=""
for k in $kernels; do
    native=$build/bench/bench_${k}_native
    wasm=$build/bench/bench_${k}.wasm
    n_time="-" w_time="-" v_time="-" ratio="-" v_ratio="-" sum="-" c_time="-" c_ratio="-" c_ms="-" code_kb="-"

    echo "run.sh: $k: native" >&2
    expected=""
    if [ ! -x "$native" ]; then
        n_status="$native not built"
    else
        measure "" "$native"
        n_status=$status
        [ "$status" = ok ] && n_time=$median && sum=$expected
    fi
    if [ "$n_status" != ok ]; then
        problems="$problems$k native: $n_status"$'\n'
        failed=1
        rows="$rows$k $sum FAIL - - - - - - - -"$'\n'
        continue
    fi

    echo "run.sh: $k: wasmhost" >&2
    if [ ! -f "$wasm" ]; then
        w_status="$wasm not built"
    elif [ ! -x "$wasmhost" ]; then
        w_status="no wasmhost"
    else
        # shellcheck disable=SC2086 # WASMHOST_OPTIONS: words
        measure "$expected" "$wasmhost" invoke --tier interp ${WASMHOST_OPTIONS-} "$wasm" run
        w_status=$status
        [ "$status" = ok ] && w_time=$median
    fi
    if [ "$w_status" = ok ]; then
        ratio=$(awk -v a="$w_time" -v b="$n_time" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    else
        w_time=FAIL
        problems="$problems$k wasmhost: $w_status"$'\n'
        failed=1
    fi

    if [ -n "$compiled" ] && [ -f "$wasm" ]; then
        echo "run.sh: $k: wasmhost --tier compiled" >&2
        cache=$(mktemp -d)
        # shellcheck disable=SC2086
        WASMHOST_TIER_REPORT=1 "$wasmhost" invoke --tier compiled --cache-dir "$cache" ${WASMHOST_OPTIONS-} "$wasm" run >/dev/null 2>"$errfile"
        c_ms=$(sed -n 's/.* in \([0-9.]*\) ms$/\1/p' "$errfile" | head -1)
        code_kb=$("$wasmhost" inspect "$wasm" | awk '/ bytes of code at / { for (i = 1; i < NF; i++) if ($(i + 1) == "bytes" && $(i + 2) == "of") s += $i }
            END { printf "%.1f", s / 1024 }')
        # shellcheck disable=SC2086
        measure "$expected" "$wasmhost" invoke --tier compiled --cache-dir "$cache" ${WASMHOST_OPTIONS-} "$wasm" run
        rm -rf "$cache"
        if [ "$status" = ok ]; then
            c_time=$median
            c_ratio=$(awk -v a="$c_time" -v b="$n_time" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        else
            c_time=FAIL
            problems="$problems$k compiled: $status"$'\n'
            failed=1
        fi
    fi

    if [ $have_node = 1 ] && [ -f "$wasm" ]; then
        echo "run.sh: $k: v8" >&2
        measure "$expected" "$node" "$bench_dir/run_v8.mjs" "$wasm"
        if [ "$status" = ok ]; then
            v_time=$median
            v_ratio=$(awk -v a="$v_time" -v b="$n_time" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        else
            v_time=FAIL
            problems="$problems$k v8: $status"$'\n'
            failed=1
        fi
    fi
    rows="$rows$k $sum $n_time $w_time $ratio $c_time $c_ratio $v_time $v_ratio ${c_ms:--} $code_kb"$'\n'
done

printf '%s' "$rows" | awk -v node=$have_node -v compiled="$compiled" -v runs="$runs" '
    function row(a, b, c, d, e, f, g, h, i, j, k) {
        line = sprintf("%-14s %11s %9s %11s %9s", a, b, c, d, e)
        if (compiled) line = line sprintf(" %10s %9s %10s %8s", f, g, j, k)
        if (node) line = line sprintf(" %9s %9s", h, i)
        print line
    }
    BEGIN { row("kernel", "checksum", "native s", "wasmhost s", "ratio", "compiled s", "c ratio", "V8 s", "V8 ratio", "compile ms", "code KB") }
    {
        row($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        if ($10 != "-" && $11 > 0) { compile_ms += $10; code_kb += $11 }
        if ($5 != "-" && $5 > 0) { lw += log($5); nw++ }
        if ($7 != "-" && $7 > 0) { lc += log($7); nc++; if ($7 > worst) { worst = $7; worst_kernel = $1 } }
        if ($9 != "-" && $9 > 0) { lv += log($9); nv++ }
    }
    END {
        printf "median of %d runs, whole-process wall time\n", runs
        if (nw) printf "geometric mean wasmhost/native: %.2f (%d of %d kernels)\n", exp(lw / nw), nw, NR
        else    printf "geometric mean wasmhost/native: - (no kernel ran under wasmhost)\n"
        if (compiled && nc) printf "geometric mean compiled/native: %.2f (%d of %d kernels; slowest %s %.2f), warm cache\n", exp(lc / nc), nc, NR, worst_kernel, worst
        if (compiled && code_kb > 0) printf "compile time: %.0f ms for %.1f KB of code, %.1f ms per KB\n", compile_ms, code_kb, compile_ms / code_kb
        if (node && nv) printf "geometric mean V8/native: %.2f (%d of %d kernels)\n", exp(lv / nv), nv, NR
    }'
if [ -n "$problems" ]; then
    printf '\nproblems:\n%s' "$problems"
fi
exit $failed
