#!/usr/bin/env bash
# tests/run.sh: builds wasmhost and runs every test in each build: Release (build/) and ASan+UBSan
# (build-sanitize/), both with the compiling tier; Release without it (build-nollvm/); the static build
# (build-static/) with the deploy tests on it (the container image among them); then runs every libFuzzer
# target for FUZZ_SECONDS (60) each (build-fuzz/).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# `run` and `invoke` use compiled code from the cache (~/.cache/wasmhost) when a module was compiled
# before: the tests get a cache of their own, empty at each run, so that what they check does not
# depend on what was compiled on this machine before.
export XDG_CACHE_HOME="$root/build/test-cache"
rm -rf "$XDG_CACHE_HOME"
jobs="${JOBS:-2}"

echo "== Release build (build/)"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/build" -j"$jobs"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build (build-sanitize/)"
cmake -S "$root" -B "$root/build-sanitize" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWASMHOST_SANITIZE=ON
cmake --build "$root/build-sanitize" -j"$jobs"
# The engine catches SIGSEGV in its memory guard regions: ASan must let it install its handler.
# LSAN_OPTIONS: see wasmhost_test_environment (tests/wasmhost_check.cmake).
ASAN_OPTIONS="${ASAN_OPTIONS:-allow_user_segv_handler=1:detect_leaks=1}" LSAN_OPTIONS="${LSAN_OPTIONS:-use_tls=0}" \
  ctest --test-dir "$root/build-sanitize" --output-on-failure -j"$jobs"

echo "== Release build without the compiling tier (build-nollvm/: -DWASMHOST_LLVM=OFF, interpreter only)"
cmake -S "$root" -B "$root/build-nollvm" -DCMAKE_BUILD_TYPE=Release -DWASMHOST_LLVM=OFF
cmake --build "$root/build-nollvm" -j"$jobs"
ctest --test-dir "$root/build-nollvm" --output-on-failure -j"$jobs"

echo "== static build (build-static/: -DWASMHOST_STATIC=ON): the binary, the container image, the deploy tests on it"
cmake -S "$root" -B "$root/build-static" -DCMAKE_BUILD_TYPE=Release -DWASMHOST_STATIC=ON
cmake --build "$root/build-static" -j"$jobs" --target deploy_tests
ctest --test-dir "$root/build-static" -L deploy --output-on-failure -j"$jobs"

echo "== libFuzzer targets, ${FUZZ_SECONDS:-60} s each (build-fuzz/: clang, ASan + UBSan)"
cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWASMHOST_FUZZ=ON \
  -DWASMHOST_FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
cmake --build "$root/build-fuzz" -j"$jobs" --target fuzz_all
ctest --test-dir "$root/build-fuzz" -L fuzz --output-on-failure -j"$jobs"

echo "== all tests passed in the Release, sanitizer, interpreter-only and static builds, and no fuzz target found anything"
