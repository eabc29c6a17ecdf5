#!/usr/bin/env bash
# serve_artifact.sh: `wasmhost serve` with artifacts of `wasmhost compile` as modules, and plugins on
# the tier of services:
#  1. a service and a plugin whose modules are .cwasm files, under --tier interp --no-cache: they
#     answer, on native code at once (wasmhost_native_functions > 0, compile seconds 0: loaded,
#     not compiled);
#  2. a service with fuel whose module is an artifact (whose code cannot meter fuel): serve refuses
#     to start, saying so;
#  3. a plugin from its .wasm under --tier auto: answers at once, then is compiled in the background
#     like a service (wasmhost_native_functions > 0, compile seconds > 0).
#   serve_artifact.sh WASMHOST HELLO_HTTP.wasm UPPER.wasm WORK_DIR
set -u
wasmhost=$1 hello=$2 upper=$3 work=$4
rm -rf "$work" && mkdir -p "$work" || exit 1
failed=0
fail() { echo "serve_artifact: $*" >&2; failed=1; }

"$wasmhost" compile -o "$work/hello.cwasm" "$hello" || { fail "wasmhost compile $hello failed"; exit 1; }
"$wasmhost" compile -o "$work/upper.cwasm" "$upper" || { fail "wasmhost compile $upper failed"; exit 1; }

# manifest FILE SERVICE_MODULE PLUGIN_MODULE [SERVICE_LIMITS]
manifest() {
    cat > "$1" <<YAML
listen: 127.0.0.1:0
services:
  - name: hello
    module: $2
    abi: http
    routes: [/health, /api/...]
${4:+    limits: $4}
plugins:
  - name: upper
    module: $3
YAML
}

# start MANIFEST OPTIONS...: runs serve, sets $pid and $port
. "$(dirname "$0")/serve_start.sh"
start() {
    local file=$1
    shift
    serve_start "$work/log" "$wasmhost" serve "$@" "$file"
}
metric() { curl -s "http://127.0.0.1:$port/metrics" | sed -n "s/^$1{service=\"$2\",version=\"1\"} //p"; }
answers() {
    [ "$(curl -s "http://127.0.0.1:$port/api/users")" = '{"users": []}' ] || fail "$1: the service's answer is wrong"
    [ "$(curl -s -d 'hello' "http://127.0.0.1:$port/v1/plugins/upper/call/process")" = HELLO ] ||
        fail "$1: the plugin's answer is wrong"
}

# 1. Artifacts, on native code from the first request, with no compiler at work.
manifest "$work/artifacts.yaml" "$work/hello.cwasm" "$work/upper.cwasm"
start "$work/artifacts.yaml" --tier interp --no-cache
answers "artifacts"
for name in hello upper; do
    native=$(metric wasmhost_native_functions $name)
    seconds=$(metric wasmhost_compile_seconds $name)
    [ "${native:-0}" -gt 0 ] || fail "artifact of $name: $native native functions, expected the artifact's code"
    awk -v s="$seconds" 'BEGIN { exit !(s == 0) }' || fail "artifact of $name: compiled ($seconds s), expected loaded"
done
kill -TERM $pid; wait $pid

# 2. Fuel cannot be metered in an artifact's code: refused at start, with the reason.
manifest "$work/fuel.yaml" "$work/hello.cwasm" "$work/upper.cwasm" "{fuel: 1000000}"
"$wasmhost" serve --no-cache "$work/fuel.yaml" > "$work/fuel.log" 2>&1 &
fuel_pid=$!
( sleep 10; kill $fuel_pid 2>/dev/null ) &
watchdog=$!
wait $fuel_pid
status=$?
kill $watchdog 2>/dev/null
[ $status = 1 ] || fail "a fuel-metered service on an artifact: serve exited $status, expected 1"
grep -q "hello.cwasm: cannot load the compiled artifact: the artifact's code does not meter fuel" "$work/fuel.log" ||
    fail "a fuel-metered service on an artifact: no clear message: $(cat "$work/fuel.log")"

# 3. A plugin from its .wasm is compiled in the background, as services are (--tier auto).
manifest "$work/auto.yaml" "$hello" "$upper"
start "$work/auto.yaml" --no-cache
answers "auto, at once"
native=0
for _ in $(seq 300); do
    native=$(metric wasmhost_native_functions upper)
    [ "${native:-0}" -gt 0 ] && break
    sleep 0.1
done
[ "${native:-0}" -gt 0 ] || fail "the plugin was not compiled within 30 s"
seconds=$(metric wasmhost_compile_seconds upper)
awk -v s="$seconds" 'BEGIN { exit !(s > 0) }' || fail "the plugin's compile seconds '$seconds', expected > 0"
answers "auto, compiled"
kill -TERM $pid; wait $pid

[ $failed = 0 ] && echo "serve_artifact: ok (artifacts served native under --tier interp; fuel refused; plugin compiled in $seconds s)"
exit $failed
