#!/usr/bin/env bash
# checks.sh: the cost of the run-time checks in compiled code: each bench kernel native and on the compiled tier without checks, with deadline checks and with fuel metering, side by side.
#
#   bench/checks.sh [-n RUNS] [-k LIST] [BUILD_DIR]
#
#   -n RUNS     rounds (default 5); the table shows each column's median
#   -k LIST     only these kernels (comma-separated, e.g. fib,sieve); default all of bench/kernels
#   BUILD_DIR   the CMake build directory with the compiling tier (default: build next to bench/)
#
# Columns: BUILD_DIR/bench/bench_<name>_native, then `wasmhost invoke --tier compiled` with no
# option (code without checks), with `--timeout 1h` (stop-flag checks at function entries and
# loop back-edges) and with `--fuel 10^15` (fuel charged as the interpreter charges it, plus the
# stop flag), each from a warm cache of its own compiled code. Each round runs the four programs
# one after the other, so that a change in the machine's load shifts every column alike. Times are
# the whole process's CPU time (user + system), which other processes on a busy machine disturb
# less than the wall clock (the programs are single-threaded). Prints medians and ratios to
# native. Exits 1 if any run failed or printed another checksum than the native build.
set -u

runs=5
only=""
while getopts "n:k:h" opt; do
    case $opt in
    n) runs=$OPTARG ;;
    k) only=$OPTARG ;;
    *) sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
wasmhost=$build/wasmhost
[ -x "$wasmhost" ] && [ -f "$build/libwasmhost_llvm.so" ] || { echo "checks.sh: $build has no compiling tier" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "checks.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
if [ -n "$only" ]; then
    kernels=${only//,/ }
else
    kernels=$(cd "$here/kernels" && ls -- *.c | sed 's/\.c$//')
fi
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

configs=(none epoch fuel)
declare -A options=([none]="" [epoch]="--timeout 1h" [fuel]="--fuel 1000000000000000")

# run KERNEL CONFIG: one timed run; prints its CPU nanoseconds, or FAIL when it failed or disagreed.
run() {
    local k=$1 config=$2 out rc
    local timing
    timing=$(mktemp)
    if [ "$config" = native ]; then
        out=$(/usr/bin/time -f '%U %S' -o "$timing" "$build/bench/bench_${k}_native" 2>/dev/null)
    else
        # shellcheck disable=SC2086 # options: words
        out=$(/usr/bin/time -f '%U %S' -o "$timing" "$wasmhost" invoke --tier compiled --cache-dir "$cache" \
            ${options[$config]} "$build/bench/bench_$k.wasm" run 2>/dev/null)
    fi
    rc=$?
    if [ $rc -ne 0 ] || [ "$out" != "$expected" ]; then
        echo FAIL
    else
        awk '{ printf "%.0f\n", ($1 + $2) * 1e9 }' "$timing"
    fi
    rm -f "$timing"
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.3f", m / 1e9 }'; }

failed=0
printf '%-10s %9s %9s %7s %9s %7s %9s %7s\n' kernel "native s" "none s" ratio "epoch s" ratio "fuel s" ratio
for k in $kernels; do
    echo "checks.sh: $k" >&2
    expected=$("$build/bench/bench_${k}_native" 2>/dev/null)
    for config in "${configs[@]}"; do # warm the cache (compiles once per config, untimed)
        # shellcheck disable=SC2086
        "$wasmhost" invoke --tier compiled --cache-dir "$cache" ${options[$config]} "$build/bench/bench_$k.wasm" run \
            >/dev/null 2>&1
    done
    declare -A times=([native]="" [none]="" [epoch]="" [fuel]="")
    bad=""
    for ((i = 0; i < runs; i++)); do
        for config in native "${configs[@]}"; do
            t=$(run "$k" "$config")
            [ "$t" = FAIL ] && bad="$bad $config"
            times[$config]="${times[$config]} $t"
        done
    done
    if [ -n "$bad" ]; then
        echo "checks.sh: $k failed or disagreed with native:$bad" >&2
        failed=1
        continue
    fi
    n=$(printf '%s' "${times[native]}" | median)
    line=$(printf '%-10s %9s' "$k" "$n")
    for config in "${configs[@]}"; do
        m=$(printf '%s' "${times[$config]}" | median)
        line="$line $(printf '%9s %7s' "$m" "$(awk -v a="$m" -v b="$n" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')")"
    done
    echo "$line"
done
echo "median of $runs interleaved rounds, whole-process CPU time (user + system), warm cache"
exit $failed
