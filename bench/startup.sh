#!/usr/bin/env bash
# startup.sh: start-up time and peak memory of `wasmhost run` on the hello program, interpreted, from a compiled artifact and from the cache, next to the native program, in one run.
#
#   bench/startup.sh [-n RUNS] [-b BASELINE_WASMHOST] [BUILD_DIR]
#
#   -n RUNS      runs per command (default 500), in ten interleaved rounds of hyperfine
#   -b BINARY    another wasmhost binary measured in the same run (e.g. an older build's)
#   BUILD_DIR    the CMake build directory (default: build next to bench/)
#
# Prints the median whole-process wall time (hyperfine -N) and the median peak RSS of 15 runs
# (/usr/bin/time -f %M) of: the native hello (tests/wasi/hello.c at -O2); `wasmhost run --tier
# interp hello.wasm`; `wasmhost run hello.cwasm` (an artifact of `wasmhost compile`, when the
# build has the compiling tier); `wasmhost run hello.wasm` with a warm cache (the default tier,
# auto, uses the cached code); and BASELINE's run of hello.wasm. Needs hyperfine.
set -euo pipefail

runs=500
baseline=""
while getopts "n:b:h" opt; do
    case $opt in
    n) runs=$OPTARG ;;
    b) baseline=$OPTARG ;;
    h) sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
command -v hyperfine >/dev/null || { echo "startup.sh: hyperfine is needed (apt-get install -y hyperfine)" >&2; exit 2; }
hello="$build/tests/wasi/hello.wasm"
for f in "$build/wasmhost" "$hello" "$build/tests/wasi/hello_native"; do
    [ -e "$f" ] || { echo "startup.sh: $f is missing: build first (cmake --build $build)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A cache of its own: warm for the compiled case, not shared with anything else.
export XDG_CACHE_HOME="$work/cache"
commands=("$build/tests/wasi/hello_native" "$build/wasmhost run --tier interp $hello")
if "$build/wasmhost" compile -o "$work/hello.cwasm" "$hello" 2>/dev/null; then
    "$build/wasmhost" run --tier compiled "$hello" >/dev/null
    commands+=("$build/wasmhost run $work/hello.cwasm" "$build/wasmhost run $hello")
else
    echo "startup.sh: this build does not compile (-DWASMHOST_LLVM=OFF): interpreter only" >&2
fi
[ -n "$baseline" ] && commands+=("$baseline run $hello")

# Ten rounds of RUNS/10 runs of every command, so that a slow spell of this shared machine falls on
# all the commands alike; the median is over all the runs of a command.
for round in $(seq 10); do
    hyperfine -N --warmup 10 --runs $((runs / 10)) --export-json "$work/times-$round.json" "${commands[@]}" >/dev/null 2>&1
done
printf '%-10s %-9s %s\n' "median" "peak RSS" "command"
i=0
for command in "${commands[@]}"; do
    # shellcheck disable=SC2086 # the command is words
    rss=$(for _ in $(seq 15); do /usr/bin/time -f %M $command 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 8p)
    median=$(python3 -c "
import glob, json, statistics, sys
times = [t for f in glob.glob(sys.argv[1] + '/times-*.json') for t in json.load(open(f))['results'][$i]['times']]
print('%.3f' % (statistics.median(times) * 1e3))" "$work")
    printf '%-10s %-9s %s\n' "$median ms" "$(awk "BEGIN { printf \"%.2f MiB\", $rss / 1024 }")" "${command//$work\//}"
    i=$((i + 1))
done
