#!/usr/bin/env bash
# plugin_http.sh: wrk on a plugin call over HTTP (upper on 1 KiB) next to a service taking the same body, in one run.
#
#   bench/plugin_http.sh [-d SECONDS] [-c CONNECTIONS] [BUILD_DIR]
#
#   -d SECONDS      length of each wrk run (default 10)
#   -c CONNECTIONS  wrk's connections (default 32)
#   BUILD_DIR       the CMake build directory (default: build next to bench/)
#
# Starts `wasmhost serve` on a manifest with the example plugin upper and the example service echo
# (http ABI), then runs `wrk -t2 -cN` with a 1 KiB POST body on
#   POST /v1/plugins/upper/call/process   (a fresh plugin instance per call, on the workers)
#   POST /echo/x                          (a fresh service instance per request)
# and prints requests/s, p50 and p99 of both, non-2xx answers, and the ratio plugin/service.
# Needs wrk (apt-get install -y wrk); picks free loopback ports.
set -euo pipefail

seconds=10
connections=32
while getopts "d:c:h" opt; do
    case $opt in
    d) seconds=$OPTARG ;;
    c) connections=$OPTARG ;;
    h) sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
command -v wrk >/dev/null || { echo "plugin_http.sh: wrk is needed (apt-get install -y wrk)" >&2; exit 2; }
upper="$build/examples/plugins/upper.wasm"
echo_service="$build/examples/services/echo_http.wasm"
for f in "$build/wasmhost" "$upper" "$echo_service"; do
    [ -e "$f" ] || { echo "plugin_http.sh: $f is missing: build first (cmake --build $build)" >&2; exit 2; }
done

work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/manifest.yaml" <<EOF
services:
  - {name: echo, module: $echo_service, abi: http, routes: [/echo/...], limits: {max_body: 64KiB}}
plugins:
  - {name: upper, module: $upper, limits: {max_body: 64KiB}}
EOF
"$build/wasmhost" serve --listen 127.0.0.1:0 --access-log off "$work/manifest.yaml" >"$work/log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 200); do
    port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/log" | head -1)
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "plugin_http.sh: the server did not start:" >&2; cat "$work/log" >&2; exit 1; }

# A 1 KiB body of lower-case text. wrk gives each thread a Lua state of its own: response() counts
# in the thread's, and done() (in the main state) sums them through setup()'s thread handles.
cat >"$work/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = string.rep("abcdefghijklmnopqrstuvwxyz012345", 32)
wrk.headers["Content-Type"] = "application/octet-stream"
local threads = {}
function setup(thread)
    thread:set("bad", 0)
    table.insert(threads, thread)
end
function response(status, headers, body)
    if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get("bad") end
    io.write(string.format("result: %.0f req/s, p50 %.0f us, p99 %.0f us, non-2xx %d, socket errors %d\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99), total,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
EOF
run() {
    wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$port$1" | grep '^result:' |
        sed 's/^result: //'
}
echo "== plugin: POST /v1/plugins/upper/call/process (1 KiB)"
plugin=$(run /v1/plugins/upper/call/process)
echo "$plugin"
echo "== service: POST /echo/x (1 KiB, echo_http)"
service=$(run /echo/x)
echo "$service"
awk -v a="${plugin%% req/s*}" -v b="${service%% req/s*}" 'BEGIN { printf("ratio plugin/service: %.2f\n", a / b) }'
