#!/usr/bin/env bash
# Kills `sfrewind sync` and `sfrewind apply` with SIGKILL at seeded random moments, reruns them to
# completion and checks the end state equals a run that was never killed.
#   scripts/chaos.sh [--seed S] [--kills N] [--build DIR]   (default seed 1, 25 kills per command)
# Checks: the store's history table equals a clean sync's; after apply, verify says every item is
# restored, the responder's writes equal a clean apply's with no (record, field) written twice,
# and the journal's hash chain verifies. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

SEED=1
KILLS=25
BUILD=build
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seed) SEED=$2; shift 2 ;;
    --kills) KILLS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    *) echo "usage: scripts/chaos.sh [--seed S] [--kills N] [--build DIR]" >&2; exit 2 ;;
  esac
done
BIN=$BUILD/sfrewind
EMU=$BUILD/sfrewind-emu
for tool in "$BIN" "$EMU"; do [[ -x $tool ]] || { echo "chaos: $tool missing (build first)" >&2; exit 2; }; done
for tool in sqlite3 curl jq; do command -v $tool >/dev/null || { echo "chaos: needs $tool" >&2; exit 2; }; done

ORG=samples/orgs/acme-incident.json
FROM=2026-11-20T01:00:00Z
TO=2026-11-20T03:00:00Z
ATTACKER=integration.accounting@acme.example
WORK=$(mktemp -d)
EMU_PID=
URL=
FAILURES=0
RANDOM=$SEED
START=$(date +%s)

cleanup() {
  [[ -n $EMU_PID ]] && kill "$EMU_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "chaos: FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }

# Starts a fresh emulator of the Acme org with the given latency; sets URL.
start_emu() {
  [[ -n $EMU_PID ]] && { kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; }
  local log=$WORK/emu.log
  : >"$log"
  "$EMU" --org "$ORG" --port 0 --latency-ms "$1" >"$log" 2>&1 &
  EMU_PID=$!
  for _ in $(seq 100); do
    URL=$(sed -n 's/^sfrewind-emu listening on \(http:[^ ]*\).*/\1/p' "$log")
    [[ -n $URL ]] && return 0
    sleep 0.05
  done
  echo "chaos: the emulator did not start" >&2
  exit 1
}

set_latency() { curl -sf -X POST -d "latency_ms=$1" "$URL/__emu/faults" >/dev/null; }

sf() {
  local store=$1; shift
  "$BIN" --store "$store" -q "$@" --client-id acme-responder-app \
    --client-secret acme-responder-secret --login-url "$URL"
}

history_dump() {
  sqlite3 "$1" "SELECT org_id, history_id, sobject, record_id, field, data_type, old_value, \
    new_value, changed_by, changed_at, is_deleted FROM history ORDER BY history_id"
}

# The responder's writes as "id field value" lines, sorted, duplicates kept.
responder_writes() {
  curl -sf "$URL/__emu/writelog" |
    jq -r '.[] | select(.user == "responder@acme.example") | "\(.id) \(.field) \(.value|tojson)"' | sort
}

# A random delay in seconds between $1 and $2 milliseconds.
random_delay() {
  local ms=$(( $1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1) ))
  printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# Runs sfrewind on store $3 with the rest as arguments in the background, kills it after a random
# delay in [$1, $2] ms; returns 0 when the kill landed on a running process, 1 when it had already
# finished (its exit status in RUN_STATUS).
run_and_kill() {
  local lo=$1 hi=$2 store=$3; shift 3
  "$BIN" --store "$store" -q "$@" --client-id acme-responder-app \
    --client-secret acme-responder-secret --login-url "$URL" >/dev/null 2>&1 &
  local pid=$!
  sleep "$(random_delay "$lo" "$hi")"
  kill -9 "$pid" 2>/dev/null || true
  RUN_STATUS=0
  wait "$pid" 2>/dev/null || RUN_STATUS=$?
  [[ $RUN_STATUS -eq 137 ]]
}

# ---- sync -------------------------------------------------------------------------------------
SYNC_ARGS=(sync --jobs 2 --batch-size 200)
start_emu 0
set_latency 10
t0=$(date +%s%N)
sf "$WORK/clean.db" "${SYNC_ARGS[@]}" || { echo "chaos: clean sync failed" >&2; exit 1; }
sync_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
history_dump "$WORK/clean.db" >"$WORK/clean.history"
echo "clean sync: $(wc -l <"$WORK/clean.history") history rows in ${sync_ms} ms"

sync_kills=0
sync_rounds=0
store=$WORK/killed-0.db
while [[ $sync_kills -lt $KILLS ]]; do
  if run_and_kill 0 "$sync_ms" "$store" "${SYNC_ARGS[@]}"; then
    sync_kills=$((sync_kills + 1))
  elif [[ $RUN_STATUS -eq 0 ]]; then
    # It finished before the kill: check it, then go on killing a fresh store.
    history_dump "$store" | cmp -s - "$WORK/clean.history" || fail "sync store $store differs from a clean run"
    sync_rounds=$((sync_rounds + 1))
    store=$WORK/killed-$sync_rounds.db
  else
    fail "sync exited $RUN_STATUS"
  fi
done
sf "$store" "${SYNC_ARGS[@]}" || fail "the final sync failed"
history_dump "$store" | cmp -s - "$WORK/clean.history" || fail "the killed sync's history differs from a clean run"
[[ $(sqlite3 "$store" "SELECT count(*) FROM sync_slices") == 0 ]] || fail "sync left open slices"
echo "sync: $sync_kills kills survived, $((sync_rounds + 1)) stores compared equal to a clean sync"

# ---- apply ------------------------------------------------------------------------------------
# A fresh org with a synced store and a plan; sets PLAN.
prepare_apply() {
  local store=$1 mode=$2
  start_emu 0
  sf "$store" sync >/dev/null
  PLAN=$(sf "$store" --json plan --user "$ATTACKER" --from "$FROM" --to "$TO" --mode "$mode" |
    jq -r .plan_id)
  set_latency "$APPLY_LATENCY"
}

# Checks a finished apply: verify, journal chain, write log against the clean one.
check_apply() {
  local store=$1 plan=$2 clean=$3 label=$4
  sf "$store" verify "$plan" --check-journal >/dev/null || fail "$label: verify or the journal check failed"
  responder_writes >"$WORK/writes"
  local dup
  dup=$(cut -d' ' -f1,2 "$WORK/writes" | uniq -d | wc -l)
  DOUBLE_WRITES=$((DOUBLE_WRITES + dup))
  [[ $dup -eq 0 ]] || fail "$label: $dup (record, field) written twice"
  cmp -s "$WORK/writes" "$clean" || fail "$label: the responder's writes differ from a clean apply"
}

APPLY_LATENCY=60
DOUBLE_WRITES=0
declare -A APPLY_KILLS
for mode in collections guarded; do
  prepare_apply "$WORK/apply-clean.db" "$mode"
  plan=$PLAN
  t0=$(date +%s%N)
  sf "$WORK/apply-clean.db" apply "$plan" --yes || { echo "chaos: clean apply failed" >&2; exit 1; }
  apply_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  responder_writes >"$WORK/clean-$mode.writes"
  echo "clean apply ($mode): $(wc -l <"$WORK/clean-$mode.writes") writes in ${apply_ms} ms"
  rm -f "$WORK"/apply-clean.db*

  kills=0
  round=0
  store=$WORK/apply-$mode-0.db
  prepare_apply "$store" "$mode"
  plan=$PLAN
  while [[ $kills -lt $KILLS ]]; do
    if run_and_kill 0 "$apply_ms" "$store" apply "$plan" --yes; then
      kills=$((kills + 1))
    elif [[ $RUN_STATUS -eq 0 ]]; then
      check_apply "$store" "$plan" "$WORK/clean-$mode.writes" "apply ($mode) round $round"
      round=$((round + 1))
      store=$WORK/apply-$mode-$round.db
      prepare_apply "$store" "$mode"
      plan=$PLAN
    else
      fail "apply ($mode) exited $RUN_STATUS"
    fi
  done
  sf "$store" apply "$plan" --yes || fail "the final apply ($mode) failed"
  check_apply "$store" "$plan" "$WORK/clean-$mode.writes" "apply ($mode) final"
  APPLY_KILLS[$mode]=$kills
  echo "apply ($mode): $kills kills survived, $((round + 1)) orgs checked against a clean apply"
done

elapsed=$(( $(date +%s) - START ))
echo "chaos (seed $SEED): sync kills survived: $sync_kills; apply kills survived: collections" \
  "${APPLY_KILLS[collections]}, guarded ${APPLY_KILLS[guarded]}; double writes: $DOUBLE_WRITES;" \
  "failures: $FAILURES; ${elapsed} s"
[[ $FAILURES -eq 0 && $DOUBLE_WRITES -eq 0 ]]
