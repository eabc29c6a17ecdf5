#!/usr/bin/env bash
# stop_latency.sh WASMHOST WASM RUNS: runs `WASMHOST invoke --timeout 200ms WASM spin` RUNS times and
# fails unless every run stopped with "deadline exceeded" and the median whole process exited within
# 400 ms of its start (the median, not every run: the machine may be loaded); prints the median and
# the slowest whole-process time.
set -u
wasmhost=$1 wasm=$2 runs=$3
times=()
for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    err=$("$wasmhost" invoke --timeout 200ms "$wasm" spin 2>&1 >/dev/null)
    rc=$?
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    if [ $rc -ne 1 ] || ! grep -q "trap: deadline exceeded" <<<"$err"; then
        echo "run $i: exit $rc, expected 1 with \"trap: deadline exceeded\"; stderr: $err"
        exit 1
    fi
    times+=("$ms")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(printf '%s\n' "$sorted" | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }')
echo "stop_latency: --timeout 200ms: whole process ${median} ms median, $(printf '%s\n' "$sorted" | tail -1) ms slowest of $runs"
if [ "${median%.*}" -ge 400 ]; then
    echo "stop_latency: median whole-process time ${median} ms (limit 400 ms)"
    exit 1
fi
