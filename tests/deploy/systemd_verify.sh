#!/usr/bin/env bash
# systemd_verify.sh UNIT WASMHOST WORK: `systemd-analyze verify` of deploy/systemd/wasmhost.service, which must say nothing.
# verify also checks that ExecStart's program exists: the copy it reads names the build's wasmhost instead of
# /usr/local/bin/wasmhost (the unit's name, wasmhost.service, stays). A warning fails the test as an error does.
set -euo pipefail
unit=$1 wasmhost=$2 work=$3
if ! command -v systemd-analyze > /dev/null; then
  echo "systemd-analyze not found: apt-get install -y systemd (scripts/install-deps.sh does)" >&2
  exit 1
fi
grep -q '^ExecStart=/usr/local/bin/wasmhost serve ' "$unit" || {
  echo "$unit: ExecStart is not /usr/local/bin/wasmhost serve ..." >&2
  exit 1
}
rm -rf "$work" && mkdir -p "$work"
sed "s|/usr/local/bin/wasmhost|$wasmhost|g" "$unit" > "$work/wasmhost.service"
output=$(systemd-analyze verify "$work/wasmhost.service" 2>&1) && status=0 || status=$?
if [ "$status" -ne 0 ] || [ -n "$output" ]; then
  echo "systemd-analyze verify $unit: exit $status" >&2
  echo "$output" >&2
  exit 1
fi
# The notify protocol and the reload signal are what the unit relies on from serve.
for line in 'Type=notify' 'ExecReload=/bin/kill -HUP $MAINPID' 'DynamicUser=yes' 'ProtectSystem=strict' \
  'StateDirectory=wasmhost' 'NoNewPrivileges=yes'; do
  grep -qxF "$line" "$unit" || { echo "$unit: no line '$line'" >&2; exit 1; }
done
state=$(sed -n 's|^ExecStart=.* --state \([^ ]*\) .*|\1|p' "$unit")
[ "$state" = /var/lib/wasmhost ] || { echo "$unit: --state is '$state', not StateDirectory's /var/lib/wasmhost" >&2; exit 1; }
echo "systemd-analyze verify: $unit is valid"
