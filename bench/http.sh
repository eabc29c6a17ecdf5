#!/usr/bin/env bash
# http.sh: wrk against `wasmhost serve` (a fresh instance per request) next to nginx serving a static file, in one run.
#
#   bench/http.sh [-d SECONDS] [BUILD_DIR]
#
#   -d SECONDS  length of each wrk run (default 10)
#   BUILD_DIR   the CMake build directory (default: build next to bench/)
#
# 1. throughput: `wrk -t2 -c64 -dSECONDS --latency` on /health of the example service (C, http ABI:
#    examples/services/hello_http.c), then on nginx serving the same two bytes as a static file;
#    prints requests/s and p99 of both and the ratio wasmhost/nginx.
# 2. isolation under abuse: while wrk hammers /loop (a guest that loops until its 1 s deadline)
#    with 32 connections, a second wrk measures /healthz and /health (another service) with 4
#    connections each; prints their p99.
# SERVE_FLAGS are added to wasmhost serve's options (e.g. "--tier interp" or "--tier compiled").
# Needs wrk and nginx (apt-get install -y wrk nginx-light); ports 18080-18081 on 127.0.0.1.
set -euo pipefail

seconds=10
while getopts "d:h" opt; do
    case $opt in
    d) seconds=$OPTARG ;;
    h) sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
for tool in wrk nginx; do
    command -v $tool >/dev/null || { echo "http.sh: $tool is needed (apt-get install -y wrk nginx-light)" >&2; exit 2; }
done
hello="$build/examples/services/hello_http.wasm"
loop="$build/tests/host/guests/loop.wasm"
for f in "$build/wasmhost" "$hello" "$loop"; do
    [ -e "$f" ] || { echo "http.sh: $f is missing: build first (cmake --build $build)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# ---- nginx: the same body as /health, from a file, with keep-alive as wrk uses it ----
mkdir -p "$work/nginx/html" "$work/nginx/logs"
chmod a+rx "$work" "$work/nginx" "$work/nginx/html" # nginx workers run as nobody
printf 'OK' >"$work/nginx/html/health"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    default_type text/plain;
    server {
        listen 127.0.0.1:18081 reuseport;
        root $work/nginx/html;
    }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)

# ---- wasmhost ----
cat >"$work/bench.yaml" <<YAML
listen: 127.0.0.1:18080
services:
  - name: hello
    module: $hello
    abi: http
    routes: [/health, /api/...]
  - name: loop
    module: $loop
    abi: http
    routes: [/loop]
    limits: {timeout: 1s}
YAML
# shellcheck disable=SC2086 # SERVE_FLAGS is a list of options
"$build/wasmhost" serve --access-log off ${SERVE_FLAGS-} "$work/bench.yaml" >"$work/serve.log" 2>&1 &
pids+=($!)

wait_for() {
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "http.sh: $1 does not answer" >&2
    cat "$work/serve.log" >&2
    exit 1
}
wait_for http://127.0.0.1:18080/health
wait_for http://127.0.0.1:18081/health

# wrk's "Requests/sec: N" and the 99% line of --latency (converted to ms).
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
p99() {
    awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; printf "%.2f", v }' "$1"
}
errors() { awk '/Non-2xx|Socket errors/' "$1"; }

echo "== throughput: wrk -t2 -c64 -d${seconds}s --latency" >&2
wrk -t2 -c64 -d"${seconds}s" --latency http://127.0.0.1:18080/health >"$work/wasmhost.txt"
wrk -t2 -c64 -d"${seconds}s" --latency http://127.0.0.1:18081/health >"$work/nginx.txt"
w_rps=$(rps "$work/wasmhost.txt")
n_rps=$(rps "$work/nginx.txt")
printf '%-34s %12s %10s\n' "server" "requests/s" "p99 ms"
printf '%-34s %12s %10s\n' "wasmhost serve /health (fresh instance)" "$w_rps" "$(p99 "$work/wasmhost.txt")"
printf '%-34s %12s %10s\n' "nginx static file" "$n_rps" "$(p99 "$work/nginx.txt")"
awk -v w="$w_rps" -v n="$n_rps" 'BEGIN { printf "ratio wasmhost/nginx: %.2f\n", w / n }'
errors "$work/wasmhost.txt"

echo "== isolation: /loop hammered (guests loop to their 1 s deadline) while /healthz and /health are measured" >&2
wrk -t1 -c32 -d"$((seconds + 4))s" --timeout 5s http://127.0.0.1:18080/loop >"$work/loop.txt" &
hammer=$!
sleep 2
wrk -t1 -c4 -d"${seconds}s" --latency http://127.0.0.1:18080/healthz >"$work/healthz.txt" &
probe=$!
wrk -t1 -c4 -d"${seconds}s" --latency http://127.0.0.1:18080/health >"$work/other.txt"
wait $probe
wait $hammer
printf '%-34s %12s %10s\n' "/healthz under abuse" "$(rps "$work/healthz.txt")" "$(p99 "$work/healthz.txt")"
printf '%-34s %12s %10s\n' "/health (other service) under abuse" "$(rps "$work/other.txt")" "$(p99 "$work/other.txt")"
printf '%-34s %12s\n' "/loop (504s)" "$(rps "$work/loop.txt")"
errors "$work/healthz.txt"
errors "$work/other.txt"
