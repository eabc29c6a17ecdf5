#!/usr/bin/env bash
# serve_tier.sh: `wasmhost serve` (--tier auto) answers at once on the interpreter, compiles the
# service in the background, then answers the same on native code (wasmhost_native_functions > 0),
# keeps the compiled code in --cache-dir, and a restart loads it from there (compile time 0). A
# second service with fuel is compiled too (with fuel metering) and answers on native code.
#   serve_tier.sh WASMHOST HELLO_HTTP.wasm WORK_DIR
set -u
wasmhost=$1 module=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
cat > "$work/m.yaml" <<YAML
listen: 127.0.0.1:0
services:
  - name: hello
    module: $module
    abi: http
    routes: [/health, /api/...]
  - name: metered
    module: $module
    abi: http
    limits: {fuel: 100000000}
    routes: [/metered/...]
YAML
failed=0
fail() { echo "serve_tier: $*" >&2; failed=1; }

# start: runs serve, sets $pid and $port
. "$(dirname "$0")/../host/serve/serve_start.sh"
start() { serve_start "$work/log" "$wasmhost" serve --cache-dir "$work/cache" "$work/m.yaml"; }
metric() { curl -s "http://127.0.0.1:$port/metrics" | sed -n "s/^$1{service=\"${2:-hello}\",version=\"1\"} //p"; }

start
[ "$(curl -s "http://127.0.0.1:$port/api/users")" = '{"users": []}' ] || fail "first answer wrong"
native=0
for _ in $(seq 300); do
    native=$(metric wasmhost_native_functions)
    [ "${native:-0}" -gt 0 ] && break
    sleep 0.1
done
[ "${native:-0}" -gt 0 ] || fail "the service was not compiled within 30 s"
seconds=$(metric wasmhost_compile_seconds)
first_seconds=$seconds
awk -v s="$seconds" 'BEGIN { exit !(s > 0) }' || fail "compile seconds '$seconds', expected > 0"
for _ in 1 2 3; do
    [ "$(curl -s "http://127.0.0.1:$port/api/users")" = '{"users": []}' ] || fail "native answer wrong"
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/nothing")" = 404 ] || fail "native 404 wrong"
native=0
for _ in $(seq 300); do
    native=$(metric wasmhost_native_functions metered)
    [ "${native:-0}" -gt 0 ] && break
    sleep 0.1
done
[ "${native:-0}" -gt 0 ] || fail "the service with fuel was not compiled within 30 s"
# The guest's own 404 for a path it does not know (not a 500 "fuel exhausted"), metered, native.
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metered/nothing")" = 404 ] ||
    fail "native answer with fuel wrong"
kill -TERM $pid; wait $pid
ls "$work"/cache/v1/*/*.cwasm > /dev/null 2>&1 || fail "no compiled code in the cache"

# A restart finds the compiled code in the cache: native at once, nothing compiled.
start
native=$(metric wasmhost_native_functions)
seconds=$(metric wasmhost_compile_seconds)
[ "${native:-0}" -gt 0 ] || fail "after a restart: $native native functions, expected the cached code"
awk -v s="$seconds" 'BEGIN { exit !(s == 0) }' || fail "after a restart: compiled again ($seconds s)"
[ "$(curl -s "http://127.0.0.1:$port/api/users")" = '{"users": []}' ] || fail "cached answer wrong"
kill -TERM $pid; wait $pid
[ $failed = 0 ] && echo "serve_tier: ok (compiled in $first_seconds s on the first start, loaded from the cache on the second)"
exit $failed
