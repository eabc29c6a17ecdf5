#!/bin/sh
# stage.sh BUILD_DIR OUT_DIR: lays out the runtime image's files under OUT_DIR from a -DWASMHOST_STATIC=ON build:
# the stripped static wasmhost, the modules that deploy/container/wasmhost.yaml names, that manifest, CA
# certificates, the non-root user. The Containerfile's build stage runs it, and so does the image test
# (tests/deploy/container_test.sh), which builds the same runtime stage from the build it tests.
set -eu
if [ $# -ne 2 ]; then
  echo "usage: stage.sh BUILD_DIR OUT_DIR" >&2
  exit 2
fi
build=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
manifest=$here/wasmhost.yaml
certificates=${CA_CERTIFICATES:-/etc/ssl/certs/ca-certificates.crt}

# A FROM scratch image has no loader and no shared libraries: the binary must need none.
if readelf -lW "$build/wasmhost" | grep -q 'program interpreter'; then
  echo "stage.sh: $build/wasmhost is dynamically linked: configure the build with -DWASMHOST_STATIC=ON" >&2
  exit 1
fi
if [ ! -f "$certificates" ]; then
  echo "stage.sh: $certificates not found (apt-get install ca-certificates, or set CA_CERTIFICATES)" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out/usr/bin" "$out/etc/wasmhost" "$out/etc/ssl/certs" "$out/var/lib/wasmhost" "$out/tmp"
strip --strip-all -o "$out/usr/bin/wasmhost" "$build/wasmhost"
cp "$manifest" "$out/etc/wasmhost/wasmhost.yaml"
cp "$certificates" "$out/etc/ssl/certs/ca-certificates.crt"

# The manifest is the list of modules: /usr/share/wasmhost/X in it is BUILD_DIR/examples/X.
modules=$(sed -n 's|^ *module: */usr/share/wasmhost/\([^ #]*\).*$|\1|p' "$manifest")
if [ -z "$modules" ]; then
  echo "stage.sh: no module under /usr/share/wasmhost/ in $manifest" >&2
  exit 1
fi
for module in $modules; do
  if [ ! -f "$build/examples/$module" ]; then
    echo "stage.sh: $build/examples/$module is missing (build the targets example_services, example_plugins and mlp_plugin)" >&2
    exit 1
  fi
  mkdir -p "$out/usr/share/wasmhost/$(dirname "$module")"
  cp "$build/examples/$module" "$out/usr/share/wasmhost/$module"
done

# The user the image runs as (USER 65532:65532 in the Containerfile; runAsUser in the Deployment).
printf 'root:x:0:0:root:/:/sbin/nologin\nwasmhost:x:65532:65532:wasmhost:/var/lib/wasmhost:/sbin/nologin\n' \
  > "$out/etc/passwd"
printf 'root:x:0:\nwasmhost:x:65532:\n' > "$out/etc/group"
# SQLite (the --state database) puts its temporary files in /tmp.
chmod 1777 "$out/tmp"
chmod 0755 "$out/var/lib/wasmhost"
