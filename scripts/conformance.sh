#!/usr/bin/env bash
# Runs the jsforce 3 conformance check against build/sfrewind-emu (builds nothing).
# Installs jsforce@3 with npm into tests/conformance/node_modules (git-ignored), runs the node
# script, and fails unless it ran and printed "N passed, 0 failed" with N > 0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
emu="$build/sfrewind-emu"
dir="$root/tests/conformance"
if [[ ! -x "$emu" ]]; then
  echo "conformance: $emu not found; build the sfrewind_emu_exe target first" >&2
  exit 1
fi
if [[ ! -f "$dir/node_modules/jsforce/package.json" ]]; then
  (cd "$dir" && npm install --no-audit --no-fund --no-save --loglevel=error jsforce@3 >&2)
fi
out="$(cd "$dir" && node jsforce.test.js "$emu" "$root/samples/orgs/acme-incident.json")" || status=$?
echo "$out"
last="$(printf '%s\n' "$out" | tail -n 1)"
if [[ ! "$last" =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] || [[ "${BASH_REMATCH[1]}" == "0" ]] || [[ "${status:-0}" != "0" ]]; then
  echo "conformance: FAILED (last line: '$last')" >&2
  exit 1
fi
