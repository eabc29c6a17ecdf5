#!/usr/bin/env bash
# compile_timeout.sh: a compile past --compile-timeout fails at once with the message, writes
# nothing, and leaves no compiler process behind; both a timeout that expires before LLVM
# starts (1ms) and one that expires in the middle of its passes (300ms, on a module that takes
# seconds to compile).
#   compile_timeout.sh WASMHOST BIG.wasm WORK_DIR
set -u
wasmhost=$1 module=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
# A path of its own, so that a process left compiling it can be found by its command line.
big="$work/big-$$.wasm"
cp "$module" "$big" || exit 1
failed=0
fail() { echo "compile_timeout: $*" >&2; failed=1; }

for timeout in 1ms 300ms; do
    bound=${timeout%ms}
    start=$(date +%s%N)
    "$wasmhost" compile --compile-timeout "$timeout" -o "$work/out.cwasm" "$big" 2> "$work/err"
    status=$?
    elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ $status = 1 ] || fail "--compile-timeout $timeout: exit status $status, expected 1"
    grep -q "took longer than the $bound ms compile timeout" "$work/err" ||
        fail "--compile-timeout $timeout: expected the timeout message, got: $(cat "$work/err")"
    # Far below the seconds the compile takes (start-up and loading LLVM included).
    [ "$elapsed_ms" -lt $((bound + 3000)) ] || fail "--compile-timeout $timeout: took $elapsed_ms ms"
    [ ! -e "$work/out.cwasm" ] || fail "--compile-timeout $timeout: an artifact was written"
    if pgrep -f "$big" > /dev/null; then
        fail "--compile-timeout $timeout: a compiler process is left: $(pgrep -af "$big")"
        pkill -KILL -f "$big"
    fi
done

# The other commands take the option too.
"$wasmhost" invoke --tier compiled --no-cache --compile-timeout 1ms "$big" f0 1 2 2> "$work/err"
[ $? = 1 ] && grep -q "took longer than the 1 ms compile timeout" "$work/err" ||
    fail "invoke --compile-timeout 1ms: $(cat "$work/err")"
pgrep -f "$big" > /dev/null && fail "invoke: a compiler process is left"
[ $failed = 0 ] && echo "compile_timeout: ok"
exit $failed
