#!/usr/bin/env bash
# fuzz.sh: runs one libFuzzer target of tests/fuzz for a while, from its seeds and its growing corpus.
#
#   scripts/fuzz.sh [--build DIR] [--no-build] TARGET [SECONDS]     (default build-fuzz/, 600 s)
#   scripts/fuzz.sh [--build DIR] --list
#
# Configures DIR with clang and -DWASMHOST_FUZZ=ON when it is not configured yet, and builds the
# fuzz targets (not with --no-build: ctest runs several at once). Runs
# DIR/tests/fuzz/fuzz_TARGET with its dictionary, the seeds in DIR/tests/fuzz/seeds/TARGET and
# the corpus it keeps in DIR/tests/fuzz/corpus/TARGET, prints libFuzzer's final stats
# (executions per second, coverage), and exits non-zero when it finds a crash, a leak, a timeout
# or a sanitizer report: the reproducer is written to DIR/tests/fuzz/crashes/ and its path and
# the command that replays it are printed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"
no_build=""
while [ $# -gt 0 ]; do
    case $1 in
    --build) build="$2"; shift 2 ;;
    --no-build) no_build=1; shift ;;
    *) break ;;
    esac
done
usage() { sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWASMHOST_FUZZ=ON >/dev/null
fi
fuzz_dir="$build/tests/fuzz"
if [ "$1" = "--list" ]; then
    cmake --build "$build" -j"${JOBS:-2}" --target fuzz_all >/dev/null
    for binary in "$fuzz_dir"/fuzz_*; do [ -x "$binary" ] && basename "$binary" | sed 's/^fuzz_//'; done
    exit 0
fi
target="$1"
seconds="${2:-600}"
case $seconds in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac
binary="$fuzz_dir/fuzz_$target"
if [ -z "$no_build" ]; then
    cmake --build "$build" -j"${JOBS:-2}" --target fuzz_all >/dev/null
fi
[ -x "$binary" ] || { echo "fuzz.sh: no fuzz target '$target' (scripts/fuzz.sh --list)" >&2; exit 2; }

corpus="$fuzz_dir/corpus/$target"
seeds="$fuzz_dir/seeds/$target"
crashes="$fuzz_dir/crashes"
mkdir -p "$corpus" "$seeds" "$crashes"
options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096
         -artifact_prefix="$crashes/$target-")
[ -f "$fuzz_dir/$target.dict" ] && options+=(-dict="$fuzz_dir/$target.dict")

# The engine handles SIGSEGV in its memory guard regions (and hands every other fault back to
# libFuzzer's and ASan's handlers): ASan must let it install its handler.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allow_user_segv_handler=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
echo "fuzz.sh: $target for ${seconds}s (corpus $corpus)"
# libFuzzer's progress lines (#N NEW ...) go to the log only; INITED and DONE show the coverage.
set +e
"$binary" "${options[@]}" "$corpus" "$seeds" 2>&1 | tee "$fuzz_dir/$target.log" | grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)'
statuses=("${PIPESTATUS[@]}")
set -e
status=${statuses[0]}
if [ "$status" -ne 0 ]; then
    echo "fuzz.sh: $target FAILED (exit $status); reproducers:" >&2
    ls -1 "$crashes"/"$target"-* 2>/dev/null >&2 || true
    echo "fuzz.sh: replay one with: ASAN_OPTIONS=$ASAN_OPTIONS $binary FILE" >&2
fi
exit "$status"
