#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in build-fuzz/ and runs each for a set time.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   default 60 seconds per target, every target
# Seeds come from fuzz/corpus/<target>/ (read only); new inputs go to build-fuzz/corpus/<target>/,
# crashing inputs to build-fuzz/crashes/. Copy a crash into fuzz/corpus/<target>/ once fixed.
# Prints executions and crashes per target; exits non-zero when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-60}
shift || true
BUILD_DIR=build-fuzz
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSFREWIND_FUZZ=ON -DSFREWIND_BUILD_TESTS=OFF >/dev/null
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for f in fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp | sed 's/^fuzz_//')"); done
fi
cmake --build "$BUILD_DIR" -j 2 --target "${targets[@]/#/fuzz_}"

mkdir -p "$BUILD_DIR/crashes"
failed=0
printf '%-20s %14s %8s\n' target executions crashes
for t in "${targets[@]}"; do
  work="$BUILD_DIR/corpus/$t"
  mkdir -p "$work" "fuzz/corpus/$t"
  log="$BUILD_DIR/$t.log"
  before=$(find "$BUILD_DIR/crashes" -name "$t-*" | wc -l)
  set +e
  "$BUILD_DIR/fuzz/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$BUILD_DIR/crashes/$t-" \
    "$work" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  after=$(find "$BUILD_DIR/crashes" -name "$t-*" | wc -l)
  crashes=$((after - before))
  printf '%-20s %14s %8s\n' "$t" "$execs" "$crashes"
  if [[ $rc -ne 0 || $crashes -ne 0 ]]; then
    failed=1
    echo "  see $log" >&2
  fi
done
exit $failed
