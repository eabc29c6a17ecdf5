#!/usr/bin/env bash
# serve_compile_fails.sh: `wasmhost serve` whose background compile of a service fails (past
# --compile-timeout; the compiler crashing) keeps answering on the interpreter, logs why, and
# counts it in wasmhost_native_compiles_total{result="failed"}.
#   serve_compile_fails.sh WASMHOST HELLO_HTTP.wasm FAILING_COMPILER.so WORK_DIR
set -u
wasmhost=$1 module=$2 failing=$3 work=$4
rm -rf "$work" && mkdir -p "$work" || exit 1
cat > "$work/m.yaml" <<YAML
listen: 127.0.0.1:0
services:
  - name: hello
    module: $module
    abi: http
    routes: [/health, /api/...]
YAML
failed=0
fail() { echo "serve_compile_fails: $*" >&2; failed=1; }

# start ARGS...: runs serve (environment from the caller), sets $pid and $port
. "$(dirname "$0")/../host/serve/serve_start.sh"
start() { serve_start "$work/log" "$wasmhost" serve --no-cache "$@" "$work/m.yaml"; }
metric() { curl -s "http://127.0.0.1:$port/metrics" | sed -n "s/^$1 //p"; }

# check WHAT PATTERN: the compile failed with PATTERN in the log, and serve still answers
check() {
    local what=$1 pattern=$2 count=""
    for _ in $(seq 300); do
        count=$(metric 'wasmhost_native_compiles_total{result="failed"}')
        [ "${count:-0}" -gt 0 ] && break
        sleep 0.1
    done
    [ "${count:-0}" = 1 ] || fail "$what: wasmhost_native_compiles_total{result=\"failed\"} is '$count', expected 1"
    grep -q "compiling $module to native code failed; it stays on the interpreter: .*$pattern" "$work/log" ||
        fail "$what: no log line saying why: $(cat "$work/log")"
    [ "$(metric 'wasmhost_native_functions{service="hello",version="1"}')" = 0 ] || fail "$what: native functions"
    for _ in 1 2 3; do
        [ "$(curl -s "http://127.0.0.1:$port/api/users")" = '{"users": []}' ] || fail "$what: answer wrong"
    done
    kill -TERM $pid
    wait $pid || fail "$what: serve exited with status $?"
}

start --compile-timeout 1ms
check "--compile-timeout 1ms" "took longer than the 1 ms compile timeout"
WASMHOST_LLVM_LIBRARY=$failing WASMHOST_FAILING_COMPILER=segv start
check "a crashing compiler" "the compiler crashed (signal 11"
[ $failed = 0 ] && echo "serve_compile_fails: ok (answers on the interpreter after a timeout and after a crash)"
exit $failed
