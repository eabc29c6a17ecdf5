#!/usr/bin/env bash
# run.sh: times the bench kernels natively, under wasmhost (interpreter and compiled tier), under V8 (when node is installed) and under wasm3 (when given).
#
#   bench/run.sh [-n RUNS] [-k KERNEL,...] [-t SECONDS] [-s] [BUILD_DIR]
#
#   -n RUNS     runs of each program per kernel (default 5); the table shows the median
#   -k LIST     only these kernels (comma-separated names, e.g. fib,sieve); default all of bench/kernels
#   -t SECONDS  give up on a run after this long (needs timeout(1)); default no limit
#   -s          also the -msimd128 builds (bench_<name>_simd.wasm), which must print the same checksum
#   BUILD_DIR   the CMake build directory (default: build next to bench/), holding wasmhost and bench/
#
# For each kernel it runs BUILD_DIR/bench/bench_<name>_native, `BUILD_DIR/wasmhost invoke --tier interp
# BUILD_DIR/bench/bench_<name>.wasm run` and `node bench/run_v8.mjs BUILD_DIR/bench/bench_<name>.wasm`,
# RUNS times each, timing each whole process by the wall clock; the "compiled" column runs
# `wasmhost invoke --tier compiled` with a warm cache of compiled code (a first run, not timed,
# compiles into a fresh --cache-dir; "compile ms" is what that took, "code KB" the size of the
# kernel's code section) when the build has the compiling tier (COMPILED= leaves the columns out). All must print the same checksum, and it
# must not be a failure value (the kernels return a negative number when their self-check fails).
# With -s, the same engines (interpreter, compiled, V8) run bench_<name>_simd.wasm too: "simd s" and
# "simd x" (the scalar time over the SIMD time: the speed-up) per engine. A SIMD run that fails is a
# FAIL cell and a line under "problems", like any other.
# NODE names the node binary for the V8 column (default node; NODE= leaves the column out).
# WASM3 names a wasm3 binary (bench/build_wasm3.sh builds one; empty or unset: no column): it runs
# `$WASM3 --func run BUILD_DIR/bench/bench_<name>.wasm` (the scalar builds only: wasm3 has no SIMD),
# which prints "Result: CHECKSUM" on stderr; "i/wasm3" is the wasmhost interpreter's time over wasm3's.
# WASMHOST_OPTIONS adds options to both wasmhost columns' `invoke`, e.g. "--timeout 1h" (code with
# deadline checks) or "--fuel 1000000000000000" (with fuel metering); without it the code has
# no run-time checks.
# Prints a table of median times and ratios to native, then the geometric mean of wasmhost/native
# over the kernels that passed (and of the other columns' ratios). Progress goes to stderr. Exits 1
# if any kernel failed or disagreed.
set -u

usage() {
    sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//'
}

runs=5
only=""
limit=""
simd=0
while getopts "n:k:t:sh" opt; do
    case $opt in
    n) runs=$OPTARG ;;
    k) only=$OPTARG ;;
    t) limit=$OPTARG ;;
    s) simd=1 ;;
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
wasm3=${WASM3-}
if [ -n "$wasm3" ] && ! command -v "$wasm3" >/dev/null 2>&1; then
    echo "run.sh: WASM3=$wasm3 is not an executable" >&2
    exit 2
fi
[ -x "$wasmhost" ] || echo "run.sh: $wasmhost not found: the wasmhost column will say so" >&2
prefix=()
if [ -n "$limit" ]; then
    command -v timeout >/dev/null 2>&1 || { echo "run.sh: -t needs timeout(1)" >&2; exit 2; }
    prefix=(timeout "$limit")
fi

errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT

# measure [--stderr-result] EXPECTED CMD...: runs CMD $runs times. Sets `median` (seconds) and `status`:
# "ok", or why not. EXPECTED is the checksum it must print, or "" to accept any non-negative number
# (then sets `expected`). With --stderr-result the checksum is the "Result: N" line CMD prints on
# stderr (wasm3), not its standard output.
measure() {
    local from_stderr=0 want times="" out rc start end i
    if [ "$1" = --stderr-result ]; then
        from_stderr=1
        shift
    fi
    want=$1
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
        [ $from_stderr = 1 ] && out=$(sed -n 's/^Result: //p' "$errfile")
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

# failure LABEL WHY: kernel $k failed on LABEL: a FAIL cell and a line under "problems".
failure() {
    cell=FAIL
    problems="$problems$k $1: $2"$'\n'
    failed=1
}

# timed LABEL [--stderr-result] EXPECTED CMD...: measure, then `cell` is the median or FAIL.
timed() {
    local label=$1
    shift
    echo "run.sh: $k: $label" >&2
    measure "$@"
    if [ "$status" = ok ]; then
        cell=$median
    else
        failure "$label" "$status"
    fi
}

# timed_compiled LABEL WASM: the compiled tier on WASM with a warm cache (a first run, not timed,
# compiles into a fresh --cache-dir); sets `cell` and `compile_ms`.
timed_compiled() {
    local label=$1 wasm=$2 cache
    if [ ! -f "$wasm" ]; then
        failure "$label" "$wasm not built"
        return
    fi
    cache=$(mktemp -d)
    # shellcheck disable=SC2086 # WASMHOST_OPTIONS: words
    WASMHOST_TIER_REPORT=1 "$wasmhost" invoke --tier compiled --cache-dir "$cache" ${WASMHOST_OPTIONS-} "$wasm" run >/dev/null 2>"$errfile"
    compile_ms=$(sed -n 's/.* in \([0-9.]*\) ms$/\1/p' "$errfile" | head -1)
    # shellcheck disable=SC2086
    timed "$label" "$expected" "$wasmhost" invoke --tier compiled --cache-dir "$cache" ${WASMHOST_OPTIONS-} "$wasm" run
    rm -rf "$cache"
}

# timed_interp LABEL WASM: the interpreter on WASM; sets `cell`.
timed_interp() {
    if [ ! -f "$2" ]; then
        failure "$1" "$2 not built"
    elif [ ! -x "$wasmhost" ]; then
        failure "$1" "no wasmhost"
    else
        # shellcheck disable=SC2086 # WASMHOST_OPTIONS: words
        timed "$1" "$expected" "$wasmhost" invoke --tier interp ${WASMHOST_OPTIONS-} "$2" run
    fi
}

# timed_v8 LABEL WASM: V8 on WASM; sets `cell`.
timed_v8() {
    if [ ! -f "$2" ]; then
        failure "$1" "$2 not built"
    else
        timed "$1" "$expected" "$node" "$bench_dir/run_v8.mjs" "$2"
    fi
}

# ratio A B: A / B to two decimals, or "-" unless both are times.
ratio() {
    case "$1$2" in '' | *[!0-9.]*) printf -- '-'; return ;; esac
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'
}

# The table's rows, tab-separated (the header first): the columns are numbered as in the awk below.
rows=""
add_row() {
    local IFS=$'\t'
    rows="$rows$*"$'\n'
}
add_row kernel checksum "native s" "wasmhost s" ratio "compiled s" "c ratio" "V8 s" "V8 ratio" "compile ms" "code KB" \
    "simd s" "simd x" "c simd s" "c simd x" "V8 simd s" "V8 simd x" "wasm3 s" "i/wasm3" "wasm3 ratio"

failed=0
problems=""
for k in $kernels; do
    native=$build/bench/bench_${k}_native
    wasm=$build/bench/bench_${k}.wasm
    simd_wasm=$build/bench/bench_${k}_simd.wasm
    n_time="-" w_time="-" ratio="-" c_time="-" c_ratio="-" v_time="-" v_ratio="-" sum="-" c_ms="-" code_kb="-"
    s_time="-" s_x="-" cs_time="-" cs_x="-" vs_time="-" vs_x="-" w3_time="-" w3_ratio="-" w3_native="-"

    echo "run.sh: $k: native" >&2
    expected=""
    if [ ! -x "$native" ]; then
        failure native "$native not built"
    else
        measure "" "$native"
        if [ "$status" = ok ]; then
            n_time=$median
            sum=$expected
        else
            failure native "$status"
        fi
    fi
    if [ "$n_time" = - ]; then
        add_row "$k" "$sum" FAIL - - - - - - - - - - - - - - - - -
        continue
    fi

    timed_interp wasmhost "$wasm"
    w_time=$cell
    ratio=$(ratio "$w_time" "$n_time")
    if [ $simd = 1 ]; then
        timed_interp "wasmhost simd" "$simd_wasm"
        s_time=$cell
        s_x=$(ratio "$w_time" "$s_time")
    fi

    if [ -n "$compiled" ] && [ -f "$wasm" ]; then
        compile_ms=""
        timed_compiled compiled "$wasm"
        c_time=$cell
        c_ms=${compile_ms:--}
        c_ratio=$(ratio "$c_time" "$n_time")
        code_kb=$("$wasmhost" inspect "$wasm" | awk '/ bytes of code at / { for (i = 1; i < NF; i++) if ($(i + 1) == "bytes" && $(i + 2) == "of") s += $i }
            END { printf "%.1f", s / 1024 }')
        if [ $simd = 1 ]; then
            timed_compiled "compiled simd" "$simd_wasm"
            cs_time=$cell
            cs_x=$(ratio "$c_time" "$cs_time")
        fi
    fi

    if [ $have_node = 1 ] && [ -f "$wasm" ]; then
        timed_v8 v8 "$wasm"
        v_time=$cell
        v_ratio=$(ratio "$v_time" "$n_time")
        if [ $simd = 1 ]; then
            timed_v8 "v8 simd" "$simd_wasm"
            vs_time=$cell
            vs_x=$(ratio "$v_time" "$vs_time")
        fi
    fi

    if [ -n "$wasm3" ] && [ -f "$wasm" ]; then
        timed wasm3 --stderr-result "$expected" "$wasm3" --func run "$wasm"
        w3_time=$cell
        w3_ratio=$(ratio "$w_time" "$w3_time")
        w3_native=$(ratio "$w3_time" "$n_time")
    fi
    add_row "$k" "$sum" "$n_time" "$w_time" "$ratio" "$c_time" "$c_ratio" "$v_time" "$v_ratio" "$c_ms" "$code_kb" \
        "$s_time" "$s_x" "$cs_time" "$cs_x" "$vs_time" "$vs_x" "$w3_time" "$w3_ratio" "$w3_native"
done

# Columns: 1 kernel, 2 checksum, 3-5 native and interpreter, 6-7 compiled, 8-9 V8, 10-11 compile ms and
# code KB, 12-17 the SIMD builds (time and speed-up per engine), 18-20 wasm3.
printf '%s' "$rows" | awk -F '\t' -v node=$have_node -v compiled="$compiled" -v simd=$simd -v wasm3="$wasm3" -v runs="$runs" '
    function number(v) { return v != "-" && v != "FAIL" && v > 0 }
    {
        line = sprintf("%-14s %11s %9s %11s %9s", $1, $2, $3, $4, $5)
        if (compiled) line = line sprintf(" %10s %9s %10s %8s", $6, $7, $10, $11)
        if (node) line = line sprintf(" %9s %9s", $8, $9)
        if (simd) {
            line = line sprintf(" %9s %7s", $12, $13)
            if (compiled) line = line sprintf(" %9s %8s", $14, $15)
            if (node) line = line sprintf(" %9s %9s", $16, $17)
        }
        if (wasm3) line = line sprintf(" %9s %8s %11s", $18, $19, $20)
        print line
        if (NR == 1) next
        kernels++
        if (number($10) && number($11)) { compile_ms += $10; code_kb += $11 }
        if (number($5)) { lw += log($5); nw++ }
        if (number($7)) { lc += log($7); nc++; if ($7 > worst) { worst = $7; worst_kernel = $1 } }
        if (number($9)) { lv += log($9); nv++ }
        if (number($13)) { ls += log($13); ns++; if (!ns_low || $13 < s_low) { s_low = $13; s_low_kernel = $1; ns_low = 1 } }
        if (number($15)) { lcs += log($15); ncs++ }
        if (number($17)) { lvs += log($17); nvs++ }
        if (number($19)) { l3 += log($19); n3++; if ($19 > w3_worst) { w3_worst = $19; w3_worst_kernel = $1 } }
        if (number($20)) { l3n += log($20); n3n++ }
    }
    END {
        printf "median of %d runs, whole-process wall time\n", runs
        if (nw) printf "geometric mean wasmhost/native: %.2f (%d of %d kernels)\n", exp(lw / nw), nw, kernels
        else    printf "geometric mean wasmhost/native: - (no kernel ran under wasmhost)\n"
        if (compiled && nc) printf "geometric mean compiled/native: %.2f (%d of %d kernels; slowest %s %.2f), warm cache\n", exp(lc / nc), nc, kernels, worst_kernel, worst
        if (compiled && code_kb > 0) printf "compile time: %.0f ms for %.1f KB of code, %.1f ms per KB\n", compile_ms, code_kb, compile_ms / code_kb
        if (node && nv) printf "geometric mean V8/native: %.2f (%d of %d kernels)\n", exp(lv / nv), nv, kernels
        if (simd) {
            if (ns) printf "SIMD builds, interpreter: same checksum in %d of %d kernels, speed-up (scalar/SIMD) geometric mean %.2f, lowest %s %.2f\n", ns, kernels, exp(ls / ns), s_low_kernel, s_low
            else    printf "SIMD builds, interpreter: - (no SIMD build ran under wasmhost)\n"
            if (compiled && ncs) printf "SIMD builds, compiled: speed-up geometric mean %.2f (%d of %d kernels)\n", exp(lcs / ncs), ncs, kernels
            if (node && nvs) printf "SIMD builds, V8: speed-up geometric mean %.2f (%d of %d kernels)\n", exp(lvs / nvs), nvs, kernels
        }
        if (wasm3 != "") {
            if (n3) printf "geometric mean wasmhost interp/wasm3: %.2f (%d of %d kernels; highest %s %.2f)\n", exp(l3 / n3), n3, kernels, w3_worst_kernel, w3_worst
            if (n3n) printf "geometric mean wasm3/native: %.2f (%d of %d kernels)\n", exp(l3n / n3n), n3n, kernels
        }
    }'
if [ -n "$problems" ]; then
    printf '\nproblems:\n%s' "$problems"
fi
exit $failed
