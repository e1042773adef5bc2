#!/usr/bin/env bash
# The Acme incident end to end: starts sfrewind-emu with samples/orgs/acme-incident.json, then runs
# discover, sync, logins, changes --summary, plan, apply --yes, verify and report --format html
# against it, stops the emulator and prints where the report is.
#   scripts/demo.sh [OUT_DIR]     (default: a new directory under $TMPDIR or /tmp)
# Build first with scripts/setup.sh. SFREWIND_BUILD_DIR picks another build directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SFREWIND_BUILD_DIR:-$root/build}
sf=$build/sfrewind
emu=$build/sfrewind-emu
org_file=$root/samples/orgs/acme-incident.json

# The incident (samples/README.md): the stolen accounting integration, 01:00-03:00 UTC.
attacker=integration.accounting@acme.example
from=2026-11-20T01:00:00Z
to=2026-11-20T03:00:00Z

die() {
  echo "demo: $*" >&2
  exit 1
}

[[ -x $sf && -x $emu ]] || die "missing $sf or $emu: build first with scripts/setup.sh"
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/sfrewind-demo-XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
store=$out/sfrewind.db
rm -f "$store" "$store-wal" "$store-shm" "$out/plan.json" "$out/incident-report.html"
export SFREWIND_STORE=$store

# Every command this demo needs must exist in this build; say which one is missing up front.
commands=$("$sf" --help | sed -n '/^Subcommands:/,$p')
for cmd in discover sync logins changes plan apply verify report; do
  grep -qE "^  $cmd( |\$)" <<<"$commands" || die "this build of sfrewind has no '$cmd' command yet"
done

emu_pid=
stop_emulator() {
  if [[ -n $emu_pid ]]; then
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
    emu_pid=
  fi
}
trap stop_emulator EXIT

"$emu" --org "$org_file" --port 0 >"$out/emu.out" 2>"$out/emu.err" &
emu_pid=$!
line=
for _ in $(seq 1 300); do
  # read succeeds only on a whole line, so a half-written URL is never taken.
  IFS= read -r line <"$out/emu.out" && break
  line=
  kill -0 "$emu_pid" 2>/dev/null || die "sfrewind-emu exited: $(cat "$out/emu.err")"
  sleep 0.05
done
url=${line##* }
[[ $url == http://127.0.0.1:* ]] || die "no URL from sfrewind-emu (first line: '$line')"
echo "== sfrewind-emu serves the Acme org at $url"

# The responder's connected app (client credentials); test-only values from samples/README.md.
# The id and secret go through the environment so they stay out of argument lists.
export SF_CLIENT_ID=acme-responder-app SF_CLIENT_SECRET=acme-responder-secret
org=(--login-url "$url")

# Runs one step. Exit 3 means done with items that need a human (conflicts, failures): the demo
# goes on, and the report lists them. Any other failure stops the demo here.
step() {
  local name=$1
  shift
  echo
  echo "== $name"
  local rc=0
  "$@" || rc=$?
  if ((rc == 3)); then
    echo "   ($name finished with items that need a human; the report lists them)"
  elif ((rc != 0)); then
    die "step '$name' failed with exit code $rc"
  fi
}

step "discover: history-tracked objects and fields" "$sf" discover "${org[@]}"
step "sync: pull field history into $store" "$sf" sync "${org[@]}"
step "logins: the login history of $attacker" "$sf" logins "${org[@]}" --user "$attacker"
step "changes --summary: what $attacker changed in the window" \
  "$sf" changes --summary --user "$attacker" --from "$from" --to "$to"
step "plan: rollback plan for $attacker, $from to $to" \
  "$sf" plan "${org[@]}" --user "$attacker" --from "$from" --to "$to" --out "$out/plan.json"
step "apply --yes: restore the attacker's values still standing" \
  "$sf" apply "${org[@]}" "$out/plan.json" --yes
step "verify: re-read every item" "$sf" verify "${org[@]}" "$out/plan.json"
step "report --format html" \
  "$sf" report "$out/plan.json" --format html --out "$out/incident-report.html"

stop_emulator
echo
echo "demo: done; the emulator is stopped."
echo "demo: report: $out/incident-report.html"
echo "demo: plan:   $out/plan.json   store: $store"
