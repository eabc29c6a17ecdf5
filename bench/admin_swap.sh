#!/usr/bin/env bash
# admin_swap.sh: hot swaps through the admin API under wrk load: failed requests, and how soon each deploy serves.
#
#   bench/admin_swap.sh [--build DIR] [--swaps N] [--connections N]
#
#   --build DIR        the CMake build directory (default: build next to bench/); nothing is built
#   --swaps N          deploys to make (default 100), alternately green and blue
#   --connections N    wrk's connections (default 32)
#
# Starts `wasmhost serve --state TMP --access-log off` with its public and admin listeners on free
# loopback ports, uploads blue.wasm and green.wasm (DIR/tests/host/admin/guests: http guests
# answering "blue" and "green"), deploys blue on /color, then runs `wrk -t2 -cN` on /color with a
# Lua script counting non-2xx answers and bodies other than blue or green, while a Python client
# deploys green, blue, green... For each deploy it times, from sending the PUT, the PUT's answer and
# the first GET /color (one keep-alive connection polling in a loop) that returns the new color.
# Prints wrk's summary, the counts, and the median (p50) and p90 of both times in ms. Exits 1 when
# any request failed (non-2xx, socket error, another body) or a deploy did not take.
# Needs wrk (apt-get install -y wrk), curl and python3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
swaps=100
connections=32
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --swaps) swaps=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    -h | --help) sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "admin_swap.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
build=$(cd "$build" && pwd)
for tool in wrk curl python3; do
    command -v $tool >/dev/null || { echo "admin_swap.sh: $tool is needed (apt-get install -y $tool)" >&2; exit 2; }
done
guests="$build/tests/host/admin/guests"
for f in "$build/wasmhost" "$guests/blue.wasm" "$guests/green.wasm"; do
    [ -e "$f" ] || { echo "admin_swap.sh: $f is missing: build first (cmake --build $build)" >&2; exit 2; }
done

work=$(mktemp -d)
server=""
load=""
cleanup() {
    for p in $load $server; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# ---- the server, on ports the kernel picks: its log says which ----
"$build/wasmhost" serve --state "$work/state" --listen 127.0.0.1:0 --admin 127.0.0.1:0 --access-log off \
    >"$work/serve.log" 2>&1 &
server=$!
port=""
admin_port=""
for _ in $(seq 1 300); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/serve.log" | grep -o '[0-9]*$' || true)
    admin_port=$(grep -o 'admin API on port [0-9]*' "$work/serve.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && [ -n "$admin_port" ] && break
    kill -0 $server 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ] || [ -z "$admin_port" ]; then
    echo "admin_swap.sh: the server did not start" >&2
    cat "$work/serve.log" >&2
    exit 1
fi
admin="http://127.0.0.1:$admin_port"

# The digest of an uploaded module ("sha256:...").
upload() {
    curl -fsS --data-binary "@$1" -H 'Content-Type: application/wasm' "$admin/v1/modules" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["digest"])'
}
blue=$(upload "$guests/blue.wasm")
green=$(upload "$guests/green.wasm")
curl -fsS -o /dev/null -X PUT -d "{\"module\": \"$blue\", \"routes\": [\"/color\"], \"abi\": \"http\"}" \
    "$admin/v1/services/color"
[ "$(curl -fsS "http://127.0.0.1:$port/color")" = blue ] || { echo "admin_swap.sh: /color does not answer blue" >&2; exit 1; }

# ---- the load: wrk, interrupted once the swaps are done (on SIGINT it stops, prints its summary and
# runs done()); -d only bounds it ----
cat >"$work/count.lua" <<'LUA'
-- Counts, in each wrk thread, answers that are not 2xx and bodies other than the two versions';
-- done() sums the threads' counts and prints them with wrk's own error counts.
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    non_2xx, other_bodies, blue, green = 0, 0, 0, 0
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non_2xx = non_2xx + 1
    end
    if body == "blue" then
        blue = blue + 1
    elseif body == "green" then
        green = green + 1
    else
        other_bodies = other_bodies + 1
    end
end

function done(summary, latency, requests)
    local totals = {non_2xx = 0, other_bodies = 0, blue = 0, green = 0}
    for _, thread in ipairs(threads) do
        for key in pairs(totals) do
            totals[key] = totals[key] + thread:get(key)
        end
    end
    local e = summary.errors
    io.write(string.format("counted: non-2xx %d, other bodies %d, blue %d, green %d\n", totals.non_2xx,
        totals.other_bodies, totals.blue, totals.green))
    io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n", e.connect, e.read, e.write,
        e.timeout))
end
LUA
wrk -t2 -c"$connections" -d10m --latency -s "$work/count.lua" "http://127.0.0.1:$port/color" >"$work/wrk.txt" 2>&1 &
load=$!
sleep 1 # connections open and busy before the first swap

# ---- the swaps ----
cat >"$work/swap.py" <<'PY'
# Deploys green, blue, ... in turn; for each, the times from sending the PUT to its answer and to
# the first GET /color answered by the new version. Prints both times' p50 and p90 in ms.
import http.client, json, sys, threading, time

port, admin_port, swaps, blue, green = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
poller = http.client.HTTPConnection("127.0.0.1", port)  # keep-alive: one connection for every poll
answered_ms, served_ms, failures = [], [], 0

def put(body, outcome):
    admin = http.client.HTTPConnection("127.0.0.1", admin_port)
    admin.request("PUT", "/v1/services/color", body, {"Content-Type": "application/json"})
    response = admin.getresponse()
    outcome["status"], outcome["body"], outcome["at"] = response.status, response.read(), time.perf_counter()
    admin.close()

for i in range(swaps):
    color, digest = ("green", green) if i % 2 == 0 else ("blue", blue)
    body = json.dumps({"module": digest, "routes": ["/color"], "abi": "http"})
    outcome = {}
    sender = threading.Thread(target=put, args=(body, outcome))
    start = time.perf_counter()
    sender.start()
    first = None
    while first is None and time.perf_counter() - start < 10:
        poller.request("GET", "/color")
        response = poller.getresponse()
        answer = response.read().decode(errors="replace")
        if response.status != 200:
            failures += 1
            print(f"swap {i + 1}: GET /color answered {response.status} {answer!r}", file=sys.stderr)
        elif answer == color:
            first = time.perf_counter()
    sender.join()
    if outcome.get("status") != 200 or first is None:
        failures += 1
        print(f"swap {i + 1} to {color}: PUT {outcome.get('status')} {outcome.get('body')!r}, "
              f"{'served' if first else 'never served within 10 s'}", file=sys.stderr)
        continue
    answered_ms.append((outcome["at"] - start) * 1000)
    served_ms.append((first - start) * 1000)

def percentile(values, p):  # nearest rank
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)] if ordered else float("nan")

print(f"{len(served_ms)} of {swaps} deploys served, {failures} failures")
for label, values in (("PUT answered", answered_ms), ("first GET served by the new version", served_ms)):
    print(f"{label:<37} p50 {percentile(values, 50):7.2f} ms   p90 {percentile(values, 90):7.2f} ms   "
          f"max {max(values, default=float('nan')):7.2f} ms")
sys.exit(1 if failures else 0)
PY
echo "== $swaps hot swaps of /color under wrk -t2 -c$connections"
swap_status=0
python3 "$work/swap.py" "$port" "$admin_port" "$swaps" "$blue" "$green" >"$work/swap.txt" || swap_status=$?
sleep 1 # requests after the last swap too
kill -INT $load
wait $load || true
load=""

echo "== wrk"
cat "$work/wrk.txt"
echo "== deploys"
cat "$work/swap.txt"

non_2xx=$(awk '/^counted:/ { gsub(",", ""); print $3 }' "$work/wrk.txt")
others=$(awk '/^counted:/ { gsub(",", ""); print $6 }' "$work/wrk.txt")
socket_errors=$(awk '/^socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$work/wrk.txt")
if [ -z "$non_2xx" ] || [ -z "$socket_errors" ]; then
    echo "admin_swap.sh: wrk printed no counts" >&2
    exit 1
fi
echo "== result: $non_2xx non-2xx, $socket_errors socket errors, $others other bodies"
if [ "$non_2xx" != 0 ] || [ "$socket_errors" != 0 ] || [ "$others" != 0 ] || [ $swap_status != 0 ]; then
    echo "admin_swap.sh: FAILED" >&2
    exit 1
fi
