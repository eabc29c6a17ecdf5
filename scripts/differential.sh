#!/usr/bin/env bash
# differential.sh: differential execution: random valid modules run on wasmhost and on V8 (node), results compared.
#
# usage: scripts/differential.sh [-n COUNT] [-s SEED] [--build DIR] [--runner DIFF_RUN] [--work DIR]
#                                [--batch N] [--no-reduce] [--keep]
#        scripts/differential.sh --cases [--build DIR] [--runner DIFF_RUN] [--work DIR]
#        scripts/differential.sh --reduce FILE.wasm NAME [--build DIR]
#
# Generates COUNT modules (default 100) with binaryen's `wasm-opt -ttf` from bytes of a PRNG seeded
# with SEED (default 1; module i of seed S is the same on every machine), one in eight instead
# with tests/differential/gen_arith.mjs (numeric corner cases as WAT), runs each on wasmhost
# (tests/differential/diff_run, built in --build DIR, default build/) and on V8
# (tests/differential/ref_run.mjs), and compares their texts: every exported function called
# with zero arguments, its logs (imports "fuzzing-support" "log-*"), results or trap class, then
# memory size and hash and exported globals (NaNs compared as "nan"). One module in four enables
# reference types as binaryen 108 has them (anyref, typed function references: often not valid
# WebAssembly 2.0); both engines must then agree on rejecting it too.
# Skipped, by reason: both engines reject the module (invalid), wasmhost ran out of fuel (fuel,
# V8 has none), either engine exhausted its call stack (stack: the depths differ), V8 timed out,
# the engines agree once `wasm-opt --denan` removed NaNs (NaN bits only: the spec leaves the
# sign and payload of arithmetic NaNs open, and they show in memory and reinterpretations).
# A divergence is reduced with wasm-reduce (unless --no-reduce) and saved as WAT in
# tests/differential/cases/NAME.wat (NAME: seed-S-I), which `--cases` (ctest differential_cases)
# runs again on both engines; a case with NAME.expected beside it (wasmhost's text, for a
# divergence where V8 is the one that is wrong) is compared with that text instead of V8.
# Exit status: 0 when nothing diverged, 1 otherwise, 2 for a usage error.
# Needs: binaryen (wasm-opt, wasm-reduce), wabt (wasm2wat, wat2wasm), nodejs, coreutils (timeout).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
COUNT=100
SEED=1
BUILD=$ROOT/build
RUNNER=""
WORK=""
BATCH=50
REDUCE=1
KEEP=0
MODE=generate
REDUCE_FILE=""
REDUCE_NAME=""
CASES_DIR=$ROOT/tests/differential/cases
REF=$ROOT/tests/differential/ref_run.mjs
# WebAssembly 2.0 without SIMD, as binaryen names its parts (reference types are added for some).
FEATURES="--mvp-features --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int \
--enable-bulk-memory --enable-multivalue"
REF_TIMEOUT=60

usage() {
  sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case $1 in
    -n) COUNT=$2; shift 2 ;;
    -s) SEED=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --runner) RUNNER=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --no-reduce) REDUCE=0; shift ;;
    --keep) KEEP=1; shift ;;
    --cases) MODE=cases; shift ;;
    --reduce) MODE=reduce; REDUCE_FILE=$2; REDUCE_NAME=$3; shift 3 ;;
    -h|--help) usage ;;
    *) echo "differential.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$RUNNER" ] || RUNNER=$BUILD/tests/differential/diff_run
if [ ! -x "$RUNNER" ]; then
  echo "differential.sh: $RUNNER not found: build it (cmake --build $BUILD --target diff_run)" >&2
  exit 2
fi
RUNNER=$(cd "$(dirname "$RUNNER")" && pwd)/$(basename "$RUNNER")
for tool in wasm-opt wasm-reduce wasm2wat wat2wasm node timeout; do
  command -v $tool >/dev/null || { echo "differential.sh: $tool is needed (scripts/install-deps.sh)" >&2; exit 2; }
done
if [ -z "$WORK" ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/differential.XXXXXX")
  [ $KEEP = 1 ] || trap 'rm -rf "$WORK"' EXIT
else
  rm -rf "$WORK"
  mkdir -p "$WORK"
fi

# Runs both engines on the given modules: FILE.wh and FILE.ref beside each. V8 runs the whole
# batch under one timeout; when it passes, each module again under its own.
run_both() {
  "$RUNNER" "$@" &
  local wh=$!
  if ! timeout $REF_TIMEOUT node "$REF" "$@" 2>/dev/null; then
    local f
    for f in "$@"; do
      [ -e "$f.ref" ] && continue
      timeout 10 node "$REF" "$f" 2>/dev/null || echo "timeout" >"$f.ref"
    done
  fi
  if ! wait $wh; then
    # wasmhost crashed on one of them: run each alone, marking the crash in its text
    local f status
    for f in "$@"; do
      status=0
      "$RUNNER" "$f" 2>/dev/null || status=$?
      [ $status = 0 ] || echo "crash $status" >>"$f.wh"
    done
  fi
}

# The verdict on one module: same, invalid, fuel, stack, timeout or diverged.
verdict() {
  local wh=$1.wh ref=$1.ref
  if grep -q '^trap fuel' "$wh"; then echo fuel
  elif grep -q '^timeout' "$ref"; then echo timeout
  elif cmp -s "$wh" "$ref"; then
    if grep -q '^invalid' "$wh"; then echo invalid; else echo same; fi
  elif grep -q '^trap stack' "$wh" "$ref"; then echo stack
  elif denan_agrees "$1"; then echo nan
  else echo diverged
  fi
}

# True when both engines agree on FILE once binaryen's --denan pass has removed NaNs: the results
# of arithmetic on NaNs have a sign and payload the spec leaves open (any arithmetic NaN), which
# show when they are stored to memory or reinterpreted; both engines' bits are valid then.
denan_agrees() {
  local d=$1.denan.wasm
  wasm-opt "$1" --denan $FEATURES --enable-reference-types -o "$d" 2>/dev/null || return 1
  "$RUNNER" "$d" 2>/dev/null || return 1
  timeout 10 node "$REF" "$d" 2>/dev/null || return 1
  local status=1
  cmp -s "$d.wh" "$d.ref" && status=0
  rm -f "$d" "$d.wh" "$d.ref"
  return $status
}

# Reduces FILE.wasm while wasmhost and V8 still diverge on it; saves it as cases/NAME.wat.
reduce_case() {
  local file=$1 name=$2 dir
  dir=$WORK/reduce-$name
  mkdir -p "$dir"
  cp "$file" "$dir/orig.wasm"
  cat >"$dir/test.sh" <<EOF
#!/usr/bin/env bash
# exit 1 (interesting) while the module is valid for both engines and they still diverge
cd "$dir"
rm -f t.wasm.wh t.wasm.ref
"$RUNNER" t.wasm || exit 0
timeout 10 node "$REF" t.wasm 2>/dev/null || exit 0
grep -q -e '^invalid' -e '^trap fuel' -e '^trap stack' t.wasm.wh t.wasm.ref && exit 0
cmp -s t.wasm.wh t.wasm.ref && exit 0
exit 1
EOF
  chmod +x "$dir/test.sh"
  (cd "$dir" && timeout 600 wasm-reduce orig.wasm "--command=$dir/test.sh" -t t.wasm -w w.wasm \
    -b "$(dirname "$(command -v wasm-opt)")" --timeout 20 -ef "$FEATURES --enable-reference-types" \
    >reduce.log 2>&1) || true
  local best=$dir/orig.wasm
  [ -s "$dir/w.wasm" ] && best=$dir/w.wasm
  mkdir -p "$CASES_DIR"
  wasm2wat "$best" -o "$CASES_DIR/$name.wat"
  echo "  saved $CASES_DIR/$name.wat ($(wc -c <"$best") bytes, from $(wc -c <"$file"))"
}

show_divergence() {
  diff "$1.wh" "$1.ref" | head -8 | sed 's/^/    /' || true
}

if [ $MODE = reduce ]; then
  reduce_case "$REDUCE_FILE" "$REDUCE_NAME"
  exit 0
fi

if [ $MODE = cases ]; then
  shopt -s nullglob
  total=0 failed=0
  for wat in "$CASES_DIR"/*.wat; do
    name=$(basename "$wat" .wat)
    wat2wasm "$wat" -o "$WORK/$name.wasm"
    run_both "$WORK/$name.wasm"
    total=$((total + 1))
    if [ -e "$CASES_DIR/$name.expected" ]; then
      cmp -s "$WORK/$name.wasm.wh" "$CASES_DIR/$name.expected" && continue
      echo "FAIL $name: wasmhost differs from $name.expected"
      diff "$CASES_DIR/$name.expected" "$WORK/$name.wasm.wh" | head -8 | sed 's/^/    /' || true
    else
      [ "$(verdict "$WORK/$name.wasm")" != diverged ] && continue
      echo "FAIL $name: wasmhost (<) and V8 (>) diverge"
      show_divergence "$WORK/$name.wasm"
    fi
    failed=$((failed + 1))
  done
  echo "cases: $total, failed: $failed"
  [ $failed = 0 ]
  exit
fi

declare -A counts=([same]=0 [invalid]=0 [fuel]=0 [stack]=0 [timeout]=0 [nan]=0 [diverged]=0)
generated=0
start=$(date +%s)
diverged_list=()
i=0
while [ $i -lt "$COUNT" ]; do
  batch=()
  end=$((i + BATCH))
  [ $end -le "$COUNT" ] && : || end=$COUNT
  while [ $i -lt $end ]; do
    name=seed-$SEED-$i
    # module i of seed S: 1000..16359 random bytes from the PRNG state S * 2^32 + i
    state=$((SEED * 4294967296 + i))
    size=$((1000 + ((state * 2654435761) & 0x7fffffff) % 15360))
    if [ $((i % 8)) = 5 ]; then
      # numeric corner cases of our own (tests/differential/gen_arith.mjs)
      node "$ROOT/tests/differential/gen_arith.mjs" $state >"$WORK/$name.wat"
      ok=0
      wat2wasm "$WORK/$name.wat" -o "$WORK/$name.wasm" && ok=1
      rm -f "$WORK/$name.wat"
    else
      flags=$FEATURES
      [ $((i % 4)) = 3 ] && flags="$flags --enable-reference-types"
      "$RUNNER" --bytes $state $size >"$WORK/$name.bin"
      ok=0
      wasm-opt "$WORK/$name.bin" -ttf $flags -o "$WORK/$name.wasm" 2>/dev/null && ok=1
      rm -f "$WORK/$name.bin"
    fi
    if [ $ok = 1 ]; then
      batch+=("$WORK/$name.wasm")
      generated=$((generated + 1))
    else
      echo "$name: generating the module failed" >&2
    fi
    i=$((i + 1))
  done
  [ ${#batch[@]} -gt 0 ] || continue
  run_both "${batch[@]}"
  for f in "${batch[@]}"; do
    v=$(verdict "$f")
    counts[$v]=$((counts[$v] + 1))
    name=$(basename "$f" .wasm)
    if [ "$v" = diverged ]; then
      diverged_list+=("$name")
      echo "DIVERGED $name: wasmhost (<) and V8 (>)"
      show_divergence "$f"
      mkdir -p "$WORK/diverged"
      cp "$f" "$WORK/diverged/"
      [ $REDUCE = 1 ] && reduce_case "$f" "$name"
    fi
    [ $KEEP = 1 ] || rm -f "$f" "$f.wh" "$f.ref"
  done
done
elapsed=$(($(date +%s) - start))
compared=${counts[same]}
skipped=$((counts[invalid] + counts[fuel] + counts[stack] + counts[timeout] + counts[nan]))
echo "generated: $generated, compared: $compared, skipped: $skipped (both invalid: ${counts[invalid]}," \
  "out of fuel: ${counts[fuel]}, call stack: ${counts[stack]}, V8 timeout: ${counts[timeout]}," \
  "NaN bits only: ${counts[nan]})," \
  "diverged: ${counts[diverged]} ${diverged_list[*]:-}"
echo "time: ${elapsed}s, $(awk -v n="$generated" -v t="$elapsed" 'BEGIN { printf "%.1f", t ? n / t : n }') modules/s"
[ "${counts[diverged]}" = 0 ]
