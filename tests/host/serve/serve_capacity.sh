#!/usr/bin/env bash
# serve_capacity.sh: `wasmhost serve --max-instances 1 --max-memory-per-instance 2MiB`:
#  1. while a request holds the one instance (a guest spinning to its 5 s deadline, on a worker),
#     a request to another service is answered 503 with Retry-After: 1 and counted in
#     wasmhost_instances_refused_total, and so is one to a service with fuel (another engine, the
#     same count), a plugin call and a pipeline (the plugin's engine counts there too), and a
#     stream's records become error records; once the first is over (504), the next ones are
#     answered 200;
#  2. a guest growing its memory stops at 2 MiB (500, wasmhost_memory_limit_total), though its
#     service sets no max_memory.
#   serve_capacity.sh WASMHOST GUESTS_DIR UPPER.wasm WORK_DIR   (GUESTS_DIR: loop, counter, memory_hog.wasm)
set -u
wasmhost=$1 guests=$2 upper=$3 work=$4
rm -rf "$work" && mkdir -p "$work" || exit 1
cat > "$work/m.yaml" <<YAML
listen: 127.0.0.1:0
services:
  - {name: spin, module: $guests/loop.wasm, abi: http, routes: [/spin], limits: {timeout: 5s}}
  - {name: counter, module: $guests/counter.wasm, abi: http, routes: [/counter]}
  - {name: metered, module: $guests/counter.wasm, abi: http, routes: [/metered], limits: {fuel: 1000000}}
  - {name: hog, module: $guests/memory_hog.wasm, abi: http, routes: [/hog]}
plugins:
  - {name: upper, module: $upper}
pipelines:
  - {name: shout, stages: [upper]}
YAML
failed=0
fail() { echo "serve_capacity: $*" >&2; failed=1; }
. "$(dirname "$0")/serve_start.sh"
url() { echo "http://127.0.0.1:$port/$1"; }
status() { curl -s -o /dev/null -w '%{http_code}' "$(url "$1")"; }
# plugin HEADERS_FILE: calls upper with "abc"; its status (headers and body in HEADERS_FILE)
plugin() { curl -s -D "$1" -o "$1.body" -w '%{http_code}' -d abc "$(url v1/plugins/upper/call/process)"; }
metric() { curl -s "$(url metrics)" | sed -n "s/^$1{service=\"$2\",version=\"1\"} //p"; }

serve_start "$work/log" "$wasmhost" serve --tier interp --no-cache --max-instances 1 \
    --max-memory-per-instance 2MiB "$work/m.yaml"
[ "$(status counter)" = 200 ] || fail "with no other instance alive, counter did not answer 200"

# 1. The spinning guest holds the one instance once it runs on a worker (after its 2 ms on the loop).
curl -s -o "$work/spin.body" -w '%{http_code}' "$(url spin)" > "$work/spin.status" &
spinning=$!
for _ in $(seq 50); do
    [ "$(metric wasmhost_requests_in_flight spin)" = 1 ] && break
    sleep 0.05
done
sleep 0.5
curl -s -D "$work/refused.headers" -o "$work/refused.body" -w '%{http_code}' "$(url counter)" > "$work/refused.status"
[ "$(cat "$work/refused.status")" = 503 ] ||
    fail "while spin holds the one instance, counter answered $(cat "$work/refused.status"), expected 503"
grep -qi '^retry-after: 1' "$work/refused.headers" ||
    fail "the 503 has no Retry-After: 1: $(cat "$work/refused.headers")"
grep -q '^Service Unavailable: at capacity, retry$' "$work/refused.body" ||
    fail "the 503's body: $(cat "$work/refused.body")"
[ "$(metric wasmhost_instances_refused_total counter)" = 1 ] ||
    fail "the refusal is counted $(metric wasmhost_instances_refused_total counter) times, expected 1"
grep -q '"instance refused: at capacity: [a-z_]*: the engine has its limit of 1 instance alive' "$work/log" ||
    fail "the refusal is not logged: $(tail -5 "$work/log")"
[ "$(status metered)" = 503 ] || fail "while spin holds the one instance, a service with fuel was not refused"
[ "$(metric wasmhost_instances_refused_total metered)" = 1 ] || fail "the refusal of metered is not counted"
[ "$(plugin "$work/plugin.headers")" = 503 ] ||
    fail "while spin holds the one instance, the plugin call answered $(cat "$work/plugin.headers")"
grep -qi '^retry-after: 1' "$work/plugin.headers" || fail "the plugin's 503 has no Retry-After: 1"
grep -q '"error":"trap: wh_plugin_call: the engine has its limit of 1 instance alive' "$work/plugin.headers.body" ||
    fail "the plugin's 503 body: $(cat "$work/plugin.headers.body")"
[ "$(metric wasmhost_instances_refused_total upper)" = 1 ] || fail "the refusal of the plugin call is not counted"
stage=$(curl -s -D "$work/pipeline.headers" -d abc "$(url v1/pipelines/shout/run)")
grep -q '^HTTP/1.1 503' "$work/pipeline.headers" && grep -qi '^retry-after: 1' "$work/pipeline.headers" ||
    fail "a pipeline whose stage is refused: $(head -1 "$work/pipeline.headers"), expected 503 with Retry-After"
echo "$stage" | grep -q '"stage":0,"plugin":"upper"' || fail "the pipeline's 503 does not name the stage: $stage"
records=$(printf 'a\nb\n' | curl -s --data-binary @- "$(url v1/streams/upper)")
[ "$(echo "$records" | grep -c 'limit of 1 instance alive.*"record":[01]')" = 2 ] ||
    fail "a stream's records, refused, are not error records: $records"
wait $spinning
[ "$(cat "$work/spin.status")" = 504 ] || fail "spin answered $(cat "$work/spin.status"), expected 504"
[ "$(status counter)" = 200 ] || fail "after spin ended, counter did not answer 200 (the place was not given back)"
[ "$(status metered)" = 200 ] || fail "after spin ended, metered did not answer 200"
[ "$(plugin "$work/plugin.headers")" = 200 ] && [ "$(cat "$work/plugin.headers.body")" = ABC ] ||
    fail "after spin ended, the plugin did not answer ABC"
[ "$(metric wasmhost_instances_refused_total counter)" = 1 ] || fail "a refusal counted after the place came back"

# 2. The memory cap per instance holds for a service without max_memory.
[ "$(status hog)" = 500 ] || fail "memory_hog answered $(status hog), expected 500"
[ "$(metric wasmhost_memory_limit_total hog)" -ge 1 ] ||
    fail "memory_hog's cap is not counted in wasmhost_memory_limit_total"
grep -q 'memory limit: the guest reached its memory cap of 2097152 bytes' "$work/log" ||
    fail "memory_hog's log line does not name the 2 MiB cap: $(grep hog "$work/log" | tail -3)"

kill -TERM $pid
wait $pid || fail "serve exited $? after SIGTERM"
[ $failed = 0 ] &&
    echo "serve_capacity: ok (503 + Retry-After at --max-instances 1: services, with fuel or not, plugins; 2 MiB cap)"
exit $failed
