#!/usr/bin/env bash
# Builds if needed and runs every test: the ctest suite (doctest binary, CLI checks, conformance)
# and the embedding sample built against the installed package. Non-zero on any failure.
#   scripts/test.sh             Release build in build/
#   scripts/test.sh --sanitize  ASan+UBSan build in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=build
EXTRA=()
EMBED=()
if [[ "${1:-}" == "--sanitize" ]]; then
  BUILD_DIR=build-sanitize
  EXTRA=(-DCMAKE_BUILD_TYPE=Debug -DSFREWIND_SANITIZE=ON)
  # The installed library is instrumented: the sample must link the sanitizer runtimes too.
  EMBED=(-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined
         -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
fi
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSFREWIND_WERROR="${SFREWIND_WERROR:-ON}" "${EXTRA[@]}"
fi
cmake --build "$BUILD_DIR" -j "$(nproc)"

ctest --test-dir "$BUILD_DIR" -j "$(nproc)" --output-on-failure --timeout 600

# The library as a package: install it, then build and run samples/embed against it.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$BUILD_DIR" --prefix "$work/prefix" >/dev/null
cmake -S samples/embed -B "$work/embed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" "${EMBED[@]}" >/dev/null
cmake --build "$work/embed" >/dev/null
"$work/embed/embed_sample" "$work/embed.db"
echo "test: embed sample built against the installed package and ran"

# CI also runs the whole suite under ASan+UBSan (about 17 minutes on 2 cores).
if [[ "${SFREWIND_CI_SANITIZE:-OFF}" == ON && "$BUILD_DIR" == build ]]; then
  echo "test: the same suite under AddressSanitizer + UBSan (build-sanitize/)"
  "$0" --sanitize
fi
