#!/usr/bin/env bash
# init_http.sh: a request of a service whose state takes work to build, with and without `init:` (docs/snapshots.md), over HTTP, in one run.
#
#   bench/init_http.sh [-d SECONDS] [BUILD_DIR]
#
#   -d SECONDS  length of each wrk run (default 5)
#   BUILD_DIR   the CMake build directory (default: build next to bench/)
#
# One `wasmhost serve` with examples/services/lookup_table.c twice: /with/... has `init: init` (the
# 4 MiB table is built once, at load, and every request starts from its snapshot), /without/...
# has not (each request, in its fresh instance, builds the table before looking a key up). Runs
# `wrk -t2 -c4 -dSECONDS --latency` on each in turn and prints requests/s and the median and p99
# latencies side by side. SERVE_FLAGS are added to serve's options (e.g. "--tier compiled").
# Needs wrk (apt-get install -y wrk); port 18082 on 127.0.0.1.
set -euo pipefail

seconds=5
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
command -v wrk >/dev/null || { echo "init_http.sh: wrk is needed (apt-get install -y wrk)" >&2; exit 2; }
lookup="$build/examples/services/lookup_table.wasm"
for f in "$build/wasmhost" "$lookup"; do
    [ -e "$f" ] || { echo "init_http.sh: $f is missing: build first (cmake --build $build)" >&2; exit 2; }
done

work=$(mktemp -d)
cat > "$work/init.yaml" <<YAML
listen: 127.0.0.1:18082
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
YAML
# shellcheck disable=SC2086
"$build/wasmhost" serve ${SERVE_FLAGS:-} "$work/init.yaml" > "$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    curl -sf http://127.0.0.1:18082/with/1 >/dev/null 2>&1 && break
    sleep 0.1
done
curl -sf http://127.0.0.1:18082/with/1 >/dev/null || { echo "init_http.sh: serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# wrk's "Requests/sec" and the 50% and 99% lines of --latency.
measure() {
    local out
    out=$(wrk -t2 -c4 -d"${seconds}s" --latency "http://127.0.0.1:18082$1")
    printf '%-22s %10s req/s   median %8s   p99 %8s\n' "$2" \
        "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")"
}
echo "lookup_table, wrk -t2 -c4 -d${seconds}s, serve ${SERVE_FLAGS:-(default tier)}:"
measure /without/12345 "without init: (build)"
measure /with/12345 "with init: (snapshot)"
