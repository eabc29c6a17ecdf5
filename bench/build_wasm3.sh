#!/usr/bin/env bash
# build_wasm3.sh: builds wasm3 (the reference interpreter of bench/run.sh's WASM3 column) from its source into a directory.
#
#   bench/build_wasm3.sh [-c CC] WASM3_SOURCE_DIR BUILD_DIR
#
#   -c CC             the C compiler (default: cmake's choice, cc)
#   WASM3_SOURCE_DIR  a checkout of https://github.com/wasm3/wasm3 (it fetches nothing)
#   BUILD_DIR         where to build; the binary is BUILD_DIR/wasm3, the path it prints last
#
# A CMake Release build as wasm3's docs give it, so as a new user gets it (-O3, -march=native, LTO),
# with -DBUILD_WASI=simple: the default, uvwasi, would download libuv and uvwasi at configure time,
# and the bench kernels import nothing anyway. Needs cmake and a C compiler; uses ninja if installed.
set -eu

usage() {
    sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//'
}

cc=""
while getopts "c:h" opt; do
    case $opt in
    c) cc=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { usage >&2; exit 2; }
source_dir=$1
build_dir=$2
if [ ! -f "$source_dir/CMakeLists.txt" ] || [ ! -d "$source_dir/source" ]; then
    echo "build_wasm3.sh: $source_dir is not a wasm3 source tree (no CMakeLists.txt and source/)" >&2
    exit 2
fi
command -v cmake >/dev/null 2>&1 || { echo "build_wasm3.sh: cmake not found" >&2; exit 2; }

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
compiler=()
[ -n "$cc" ] && compiler=(-DCMAKE_C_COMPILER="$cc")
cmake -S "$source_dir" -B "$build_dir" "${generator[@]}" "${compiler[@]}" -DCMAKE_BUILD_TYPE=Release -DBUILD_WASI=simple
# Two jobs at most: the project's machine has two cores shared with other work.
cmake --build "$build_dir" -j2
"$build_dir/wasm3" --version
echo "$build_dir/wasm3"
