#!/usr/bin/env bash
# serve_init.sh: `init:` in `wasmhost serve` (docs/snapshots.md), end to end:
#  1. a service with init: answers from the state init built (the 4 MiB table of lookup_table),
#     init having run once at load ("lazy 0"), and still one fresh instance per request: what a
#     request writes (its counter, the entry it clears) does not reach the next; the same module
#     without init: builds the table in every request ("lazy 1");
#  2. a plugin with init: (its _initialize, run once at load) answers as without;
#  3. the admin API takes "init" (wasmhost deploy --init), and a deploy whose init fails is refused
#     with the reason;
#  4. a manifest whose init fails (no such export, a trap) stops serve at start, saying where and why.
#   serve_init.sh WASMHOST LOOKUP_TABLE.wasm UPPER.wasm WORK_DIR
set -u
wasmhost=$1 lookup=$2 upper=$3 work=$4
rm -rf "$work" && mkdir -p "$work/state" || exit 1
failed=0
fail() { echo "serve_init: $*" >&2; failed=1; }

cat > "$work/init.yaml" <<YAML
listen: 127.0.0.1:0
services:
  - name: with-init
    module: $lookup
    abi: http
    init: init
    routes: [/with/...]
  - name: without-init
    module: $lookup
    abi: http
    routes: [/without/...]
plugins:
  - name: upper
    module: $upper
    init: _initialize
YAML

# start MANIFEST OPTIONS...: runs serve, sets $pid, $port and $admin_port (from the log)
start() {
    local file=$1
    shift
    "$wasmhost" serve "$@" "$file" > "$work/log" 2>&1 &
    pid=$!
    port="" admin_port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/log" | head -1)
        admin_port=$(sed -n 's/.*admin API on port \([0-9]*\).*/\1/p' "$work/log" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { fail "serve did not start: $(cat "$work/log")"; kill $pid; exit 1; }
}
expect() { # PATH EXPECTED
    local got
    got=$(curl -s "http://127.0.0.1:$port$1")
    [ "$got" = "$2" ] || fail "GET $1: expected '$2', got '$got'"
}

# 1 and 2, and 3 on the same server.
start "$work/init.yaml" --state "$work/state" --admin 127.0.0.1:0 --tier interp --no-cache
for _ in 1 2 3; do
    expect /with/12345 "key 12345 value 2703968265 builds 1 lazy 0 requests 1"
done
expect /with/7 "key 7 value 1401181143 builds 1 lazy 0 requests 1"
expect /without/12345 "key 12345 value 2703968265 builds 1 lazy 1 requests 1"
[ "$(curl -s -d 'hello' "http://127.0.0.1:$port/v1/plugins/upper/call/process")" = HELLO ] ||
    fail "the plugin with init: answers wrong"

if [ -n "$admin_port" ]; then
    admin="--admin=127.0.0.1:$admin_port"
    "$wasmhost" deploy "$admin" --abi http --route /deployed/... --init init deployed "$lookup" > "$work/deploy.out" 2>&1 ||
        fail "wasmhost deploy --init init: $(cat "$work/deploy.out")"
    expect /deployed/12345 "key 12345 value 2703968265 builds 1 lazy 0 requests 1"
    if "$wasmhost" deploy "$admin" --abi http --route /broken/... --init nope broken "$lookup" > "$work/refused.out" 2>&1; then
        fail "a deploy whose init export is missing was accepted"
    fi
    grep -q 'init: the module has no exported function "nope"' "$work/refused.out" || fail "the refused deploy does not say why: $(cat "$work/refused.out")"
else
    fail "no admin port in the log: $(cat "$work/log")"
fi
kill -TERM $pid
wait $pid
status=$?
[ $status = 0 ] || fail "serve exited $status after SIGTERM: $(tail -5 "$work/log")"

# 4. A failing init stops serve at start, naming the service's line.
refused() { # NAME INIT EXPECTED_REGEX
    cat > "$work/$1.yaml" <<YAML
listen: 127.0.0.1:0
services:
  - name: $1
    module: $lookup
    abi: http
    init: $2
    routes: [/x]
YAML
    timeout 20 "$wasmhost" serve --tier interp --no-cache "$work/$1.yaml" > "$work/$1.log" 2>&1
    local status=$?
    [ $status = 1 ] || fail "$1: serve exited $status, expected 1"
    grep -Eq "$3" "$work/$1.log" || fail "$1: the log does not say '$3': $(cat "$work/$1.log")"
}
refused missing nope "missing.yaml:3:5: service 'missing': init: the module has no exported function \"nope\""
refused trapping handle "service 'trapping': init: \"handle\" failed: .*not available during init"

[ $failed = 0 ] && echo "serve_init: all checks passed"
exit $failed
