#!/usr/bin/env bash
# install-deps.sh: installs what building and testing wasmhost needs on Debian 12 (apt-get; sudo when not root).
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
# clang + lld + wasi-libc + libclang-rt-14-dev-wasm32 (libclang_rt.builtins-wasm32.a) build the
# examples, tests and benchmarks to WebAssembly; wabt converts the spec tests and builds WAT test
# modules; jansson reads the converted spec scripts; valgrind checks the embedding examples for
# leaks (the embed_leaks_* tests); pkg-config also builds a program against the installed library;
# clang-format (14 on Debian 12) checks that every C file is formatted as .clang-format says;
# libfuzzer-14-dev links the coverage-guided fuzz targets (tests/fuzz); binaryen (wasm-opt -ttf,
# wasm-reduce) and nodejs make and run the random modules of differential execution.
# `wasmhost serve`: libuv (event loops), node-llhttp (llhttp's C sources: HTTP parsing), libyaml
# (the manifest), xxhash (module cache keys); its tests use curl and promtool (package prometheus) to check /metrics.
# The admin API (`serve --state`): libsqlite3-dev (services and versions, crash-safe), libssl-dev (SHA-256 of
# modules, constant-time token checks); `wasmhost deploy`, `services`, `rollback`, `rm` (its client) and the
# admin tests: libcurl4-openssl-dev (HTTP, and HTTPS when the admin API is behind a TLS proxy);
# serve itself links libcurl too, for guests' outbound HTTP (allowed_outbound_hosts, docs/abi.md).
# wrk loads the server in the HTTP benchmarks (bench/http.sh, bench/admin_swap.sh); no test needs it.
# The compiling tier (libwasmhost_llvm.so, src/engine/llvm): llvm-19-dev (LLVM's C API and libLLVM-19).
# Shipping (docs/deploy.md, tests/deploy): zlib1g-dev (libz.a: the static build, -DWASMHOST_STATIC=ON, links
# SQLite's and OpenSSL's archives, which need it); podman and runc build and run the container image in
# deploy_container (offline: runtime stage FROM scratch); ca-certificates go into the image; iproute2 gives
# that test a network namespace of its own; systemd provides systemd-analyze (deploy_systemd_unit).
$sudo apt-get install -y --no-install-recommends \
  build-essential cmake pkg-config clang clang-format lld wasi-libc libclang-rt-14-dev-wasm32 wabt libjansson-dev \
  valgrind libfuzzer-14-dev binaryen nodejs \
  libuv1-dev node-llhttp libyaml-dev libxxhash-dev curl prometheus libcurl4-openssl-dev \
  libsqlite3-dev libssl-dev wrk llvm-19-dev \
  zlib1g-dev podman runc ca-certificates iproute2 systemd
