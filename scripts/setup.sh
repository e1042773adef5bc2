#!/usr/bin/env bash
# Installs every build and test dependency on Debian 12 (as root) and builds a Release build into
# build/. Idempotent: a second run installs nothing and rebuilds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake ninja-build pkg-config
  libcurl4-openssl-dev libsimdjson-dev libsqlite3-dev sqlite3 libfmt-dev libcli11-dev
  doctest-dev libcpp-httplib-dev libssl-dev zlib1g-dev openssl curl python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the jsforce conformance check; any Node >= 18 will do, Debian's if none is there.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${SFREWIND_BUILD_DIR:-build}
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSFREWIND_WERROR="${SFREWIND_WERROR:-ON}"
fi
cmake --build "$BUILD_DIR" -j "$(nproc)"
echo "setup: built $BUILD_DIR/sfrewind and $BUILD_DIR/sfrewind-emu"
