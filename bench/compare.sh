#!/usr/bin/env bash
# compare.sh: times the bench kernels under two builds of wasmhost, interleaved run by run, and prints their ratio.
#
#   bench/compare.sh [-n RUNS] [-k KERNEL,...] BUILD_BEFORE BUILD_AFTER
#
#   -n RUNS     runs of each build per kernel (default 5); the table shows medians
#   -k LIST     only these kernels (comma-separated names); default all of bench/kernels
#
# For each kernel and each run, it runs `BUILD/wasmhost invoke BUILD_BEFORE/bench/bench_<name>.wasm run`
# for BEFORE then AFTER (the same module for both, so only the engine differs), so that a noisy
# machine slows both alike. Both must print the same checksum. Prints median whole-process wall
# times, after/before per kernel and their geometric mean (below 1: AFTER is faster).
set -u

runs=5
only=""
while getopts "n:k:h" opt; do
    case $opt in
    n) runs=$OPTARG ;;
    k) only=$OPTARG ;;
    h) sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
case $runs in '' | *[!0-9]* | 0) echo "compare.sh: -n wants a positive number" >&2; exit 2 ;; esac
# The interpreters are compared: no compiled code from a cache (a build with the compiling tier
# would use it for a module compiled before).
XDG_CACHE_HOME=$(mktemp -d) && export XDG_CACHE_HOME && trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
before=$(cd "$1" && pwd) || exit 2
after=$(cd "$2" && pwd) || exit 2
bench_dir=$(cd "$(dirname "$0")" && pwd)
if [ -n "$only" ]; then
    kernels=$(printf '%s\n' "$only" | tr ',' '\n' | sed '/^$/d')
else
    kernels=$(for f in "$bench_dir"/kernels/*.c; do basename "$f" .c; done)
fi

# time_ns BUILD WASM: prints "nanoseconds checksum" for one run.
time_ns() {
    local start end out
    start=$(date +%s%N)
    out=$("$1/wasmhost" invoke "$2" run 2>/dev/null) || out="exit$?"
    end=$(date +%s%N)
    echo "$((end - start)) $out"
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.3f", m / 1e9 }'; }

printf '%-14s %10s %10s %8s\n' kernel before_s after_s after/before
status=0
ratios=""
for k in $kernels; do
    wasm=$before/bench/bench_$k.wasm
    [ -f "$wasm" ] || { echo "compare.sh: $wasm not built" >&2; status=1; continue; }
    echo "compare.sh: $k" >&2
    times_before="" times_after="" sums=""
    for ((i = 0; i < runs; i++)); do
        read -r t sum < <(time_ns "$before" "$wasm")
        times_before="$times_before $t"
        sums="$sums $sum"
        read -r t sum < <(time_ns "$after" "$wasm")
        times_after="$times_after $t"
        sums="$sums $sum"
    done
    distinct=$(printf '%s\n' $sums | sort -u)
    case $distinct in
    '' | *[!0-9]*) echo "compare.sh: $k: the checksums differ or a run failed:" $distinct >&2; status=1; continue ;;
    esac
    b=$(printf '%s' "$times_before" | median)
    a=$(printf '%s' "$times_after" | median)
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')
    ratios="$ratios $ratio"
    printf '%-14s %10s %10s %8s\n' "$k" "$b" "$a" "$ratio"
done
printf '%s' "$ratios" | tr ' ' '\n' | sed '/^$/d' |
    awk '{ s += log($1); n++ } END { if (n) printf "geometric mean of after/before over %d kernels: %.3f\n", n, exp(s / n) }'
exit $status
