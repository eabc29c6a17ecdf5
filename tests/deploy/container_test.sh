#!/usr/bin/env bash
# container_test.sh SOURCE_DIR BUILD_DIR WORK: the Containerfile's runtime image, built with podman from this static build and
# run as Kubernetes runs it, checked over real HTTP; prints the image's size and its cold start. Exit 77 (ctest: skipped)
# where podman cannot run a container.
#
# Nothing is downloaded. The build stage (FROM debian:bookworm-slim) needs a registry, so the test lays out /out
# itself with deploy/container/stage.sh from BUILD_DIR (what the build stage runs too), puts it in an image of
# its own, and builds the Containerfile's runtime stage from it (--build-arg ARTIFACTS=...): the same text.
# podman keeps its images in WORK (a storage root of its own, vfs), with the settings these machines need
# (containers.conf through CONTAINERS_CONF: default_ulimits = [], cgroup_manager = "cgroupfs"; runc). The
# container runs with --network=host inside a network namespace made for the test, so its fixed ports
# (8080, 8081) meet nothing else on the machine.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: container_test.sh SOURCE_DIR BUILD_DIR WORK" >&2
  exit 2
fi
source_dir=$(cd "$1" && pwd)
build_dir=$(cd "$2" && pwd)
work=$3

skip() {
  echo "SKIPPED: $*"
  exit 77
}

# A network namespace of our own with its loopback up; the rest runs inside it.
if [ -z "${CONTAINER_TEST_IN_NAMESPACE:-}" ]; then
  [ "$(id -u)" -eq 0 ] || skip "needs root (a network namespace, podman with a storage root of its own)"
  for tool in podman runc unshare ip curl; do
    command -v "$tool" > /dev/null || skip "$tool is not installed (scripts/install-deps.sh installs podman, runc, iproute2, curl)"
  done
  unshare --net true 2> /dev/null || skip "cannot make a network namespace (unshare --net) here"
  CONTAINER_TEST_IN_NAMESPACE=1 exec unshare --net "$0" "$@"
fi
ip link set lo up

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

rm -rf "$work"
mkdir -p "$work/empty" "$work/canary" "$work/artifacts"
cat > "$work/containers.conf" << 'EOF'
# Written by tests/deploy/container_test.sh: what podman needs on these machines.
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
EOF
export CONTAINERS_CONF=$work/containers.conf
# podman refuses a run root longer than 50 characters, which a build folder's path may well be.
runroot=$(mktemp -d /tmp/wasmhost-podman.XXXXXX)
podman_() {
  podman --root "$work/storage" --runroot "$runroot" --storage-driver vfs --cgroup-manager cgroupfs \
    --runtime runc --events-backend file "$@"
}
cleanup() {
  podman_ rm --all --force --time 0 > /dev/null 2>&1 || true
  podman_ rmi --all --force > /dev/null 2>&1 || true
  rm -rf "$runroot"
  if [ "$failures" -eq 0 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- can podman run a container here at all? (an image of the binary alone, run as root) ----
cp "$build_dir/wasmhost" "$work/canary/wasmhost"
printf 'FROM scratch\nCOPY wasmhost /wasmhost\n' > "$work/canary/Containerfile"
if ! canary=$(podman_ build --quiet --pull=never --network=none -t localhost/wasmhost-test-canary "$work/canary" 2>&1) ||
  ! canary=$(podman_ run --rm --network=host localhost/wasmhost-test-canary /wasmhost --version 2>&1); then
  skip "podman cannot run a container here: $(echo "$canary" | tail -3)"
fi

# ---- the runtime image, from this build ----
"$source_dir/deploy/container/stage.sh" "$build_dir" "$work/artifacts/out"
printf 'FROM scratch\nCOPY out/ /out/\n' > "$work/artifacts/Containerfile"
podman_ build --quiet --pull=never --network=none -t localhost/wasmhost-test-artifacts "$work/artifacts" > /dev/null
podman_ build --quiet --format docker --pull=never --network=none --target runtime \
  --build-arg ARTIFACTS=localhost/wasmhost-test-artifacts -t localhost/wasmhost-test \
  -f "$source_dir/Containerfile" "$work/empty" > /dev/null
image=localhost/wasmhost-test

size=$(podman_ image inspect --format '{{.Size}}' "$image")
echo "image size: $size bytes ($(awk "BEGIN { printf \"%.2f\", $size / 1048576 }") MiB)"
[ "$size" -lt $((10 * 1024 * 1024)) ] || fail "the image is $size bytes, not under 10 MiB"
user=$(podman_ image inspect --format '{{.Config.User}}' "$image")
[ "$user" = "65532:65532" ] || fail "the image's user is '$user', not 65532:65532"
ports=$(podman_ image inspect --format '{{range $p, $v := .Config.ExposedPorts}}{{$p}} {{end}}' "$image")
case "$ports" in *8080/tcp*8081/tcp*) ;; *) fail "EXPOSE: '$ports', not 8080 and 8081" ;; esac
health=$(podman_ image inspect --format '{{.Config.Healthcheck.Test}}' "$image")
case "$health" in *"wasmhost probe"*"/healthz"*) ;; *) fail "HEALTHCHECK: '$health'" ;; esac

# ---- serve --check inside the image, on its own manifest (the ConfigMap's text) ----
if ! check=$(podman_ run --rm --network=none "$image" serve --check /etc/wasmhost/wasmhost.yaml 2>&1); then
  fail "serve --check in the image: $check"
fi
case "$check" in *"OK: 3 services, 4 plugins, 1 pipelines"*) ;; *) fail "serve --check in the image: '$check'" ;; esac

# ---- run it as the Deployment does: read-only root, every capability dropped, --state and /tmp on volumes ----
now_ms() { date +%s%3N; }
run_container() {
  rm -rf "$work/state" && mkdir "$work/state" && chown 65532:65532 "$work/state"
  podman_ run -d --network=host --read-only --cap-drop=ALL --security-opt=no-new-privileges \
    --volume "$work/state:/var/lib/wasmhost" --tmpfs /tmp:rw,size=16m,mode=1777 \
    -e WASM_CACHE_SIZE=32 -e WASM_TIMEOUT=2s "$image"
}
# Waits for the first 200 on /healthz; prints the milliseconds since `start`, or fails after 30 s.
first_healthz() {
  local start=$1
  while ! curl -sf -o /dev/null http://127.0.0.1:8080/healthz; do
    if [ $(($(now_ms) - start)) -gt 30000 ]; then
      echo "never"
      return 1
    fi
    sleep 0.005
  done
  echo $(($(now_ms) - start))
}

start=$(now_ms)
container=$(run_container)
if ! startup=$(first_healthz "$start"); then
  fail "no 200 on /healthz within 30 s"
  podman_ logs "$container" >&2 || true
  exit 1
fi
echo "cold start (podman run to the first 200 on /healthz): $startup ms"

expect() { # expect NAME EXPECTED-SUBSTRING CURL-ARGS...
  local name=$1 expected=$2
  shift 2
  local body
  if ! body=$(curl -sS -f --max-time 10 "$@" 2>&1) || [[ "$body" != *"$expected"* ]]; then
    fail "$name: expected '$expected', got '$body'"
  fi
}
expect "/healthz" "ok" http://127.0.0.1:8080/healthz
expect "/readyz" "ready" http://127.0.0.1:8080/readyz
expect "hello (http ABI)" "OK" http://127.0.0.1:8080/health
expect "hello /api/users" '{"users": []}' http://127.0.0.1:8080/api/users
expect "hello-wagi (wagi ABI)" '{"users": []}' http://127.0.0.1:8080/wagi/api/users
expect "echo" "shipping" -X POST --data-binary shipping http://127.0.0.1:8080/echo/x
expect "plugin upper" "HELLO" -X POST --data-binary hello http://127.0.0.1:8080/v1/plugins/upper/call/process
expect "pipeline clean-count" '"words":3' -X POST --data-binary 'mail me@example.com now' \
  http://127.0.0.1:8080/v1/pipelines/clean-count/run
expect "/metrics" 'wasmhost_requests_total{service="hello"' http://127.0.0.1:8080/metrics
expect "the admin API (--state, on the container's loopback)" '"name": "hello"' http://127.0.0.1:8081/v1/services
if command -v promtool > /dev/null; then
  curl -sf http://127.0.0.1:8080/metrics | promtool check metrics || fail "promtool check metrics"
fi

pid=$(podman_ inspect --format '{{.State.Pid}}' "$container")
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[ "$uid" = 65532 ] || fail "the server runs as uid '$uid', not 65532"
if ! health=$(podman_ healthcheck run "$container" 2>&1); then
  fail "podman healthcheck run: $health"
fi

# ---- SIGTERM: a clean exit within the grace period (10 s by default) ----
stop_start=$(now_ms)
podman_ stop --time 30 "$container" > /dev/null
stop_ms=$(($(now_ms) - stop_start))
code=$(podman_ inspect --format '{{.State.ExitCode}}' "$container")
echo "stop (SIGTERM to exit): $stop_ms ms, exit status $code"
[ "$code" = 0 ] || fail "exit status $code after SIGTERM"
[ "$stop_ms" -lt 10000 ] || fail "SIGTERM took $stop_ms ms (the grace period is 10 s)"
podman_ logs "$container" 2>&1 | grep -q '"message":"stopped"' || fail "no 'stopped' line in the log"
podman_ rm "$container" > /dev/null

# ---- the cold start again, for a median (printed, not checked: bench/ owns speed targets) ----
runs=${COLD_START_RUNS:-5}
times=("$startup")
for _ in $(seq 2 "$runs"); do
  start=$(now_ms)
  container=$(run_container)
  times+=("$(first_healthz "$start")") || fail "a later start gave no 200 on /healthz"
  podman_ rm --force --time 0 "$container" > /dev/null
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "cold start over $runs runs: median $median ms (each: ${times[*]})"

if [ "$failures" -ne 0 ]; then
  echo "$failures checks failed (podman's files are kept in $work)" >&2
  exit 1
fi
echo "container image: all checks passed"
