#!/usr/bin/env bash
# bench.sh: the benchmark of issue 7. Against one generated sfrewind-emu on this machine, side by
# side: the ingest ceiling, `sfrewind sync` and the Python and jsforce peers (in rounds, on the
# same rows), sync under 100 ms of latency (--jobs 1 vs 8), plan, timeline/changes queries, and
# snapshots (the first and a night's, after a small sync). Prints one table and writes
# bench/results.md. Never run by the tests.
#
#   scripts/bench.sh [--quick] [--runs N] [--rows N]
#
# --quick: 100k history rows, slow items (peers, latency) run once.
# --rows N: N history rows; --runs N: runs per figure (default 3).
# The latency item syncs the same org size (behind 100 ms per request); peak RSS is also taken
# on an org of N/20 rows, to show it stays flat as rows grow.
# The many-record queries are timed once with the store as the syncs left it, then N times more:
# the figure is the median of the N, the first time is reported beside it.
# Env: BENCH_BUILD (build dir, default build/), BENCH_NO_BUILD=1 (use the binaries as they are).
set -euo pipefail
cmdline="$*"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BENCH_BUILD:-$root/build}"
quick=0
runs=3
rows_override=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs="$2"; shift ;;
    --rows) rows_override="$2"; shift ;;
    *) echo "usage: scripts/bench.sh [--quick] [--runs N] [--rows N]" >&2; exit 2 ;;
  esac
  shift
done
if [[ $quick == 1 ]]; then
  target_rows=100000; peer_runs=1; size="quick"
else
  target_rows=1000000; peer_runs=$runs; size="full"
fi
if [[ -n $rows_override ]]; then target_rows=$rows_override; size="$rows_override rows"; fi
lat_rows=$target_rows
small_rows=$((target_rows / 20))
token="bench-token"
user="admin@gen.example"
batch=2000
jobs=4
work="$(mktemp -d /tmp/sfrewind-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "bench: $*" >&2; }

# --- build and tools ------------------------------------------------------------------------
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  log "building sfrewind, sfrewind-emu and ingest_ceiling (Release) in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSFREWIND_BENCH=ON >/dev/null
  ninja -C "$build" -j2 sfrewind_exe sfrewind_emu_exe ingest_ceiling query_latency >/dev/null
fi
for b in sfrewind sfrewind-emu bench/ingest_ceiling bench/query_latency; do
  [[ -x "$build/$b" ]] || { echo "bench: $build/$b missing" >&2; exit 1; }
done
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time"; apt-get install -y -qq time >/dev/null
fi
if [[ ! -f "$root/bench/node_modules/better-sqlite3/package.json" ||
      ! -f "$root/bench/node_modules/jsforce/package.json" ]]; then
  log "installing jsforce@3 and better-sqlite3@12 into bench/node_modules"
  (cd "$root/bench" && npm install --no-audit --no-fund --no-save --loglevel=error \
      jsforce@3 better-sqlite3@12 >&2)
fi

# --- helpers --------------------------------------------------------------------------------
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
jget() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }
fmt_rate() { python3 -c 'import sys; v=float(sys.argv[1]); print(f"{v/1000:,.1f} k" if v < 1e6 else f"{v/1e6:,.2f} M")' "$1"; }
ratio() { python3 -c 'import sys; a,b=map(float,sys.argv[1:]); print(f"{a/b:.2f}x" if b else "n/a")' "$1" "$2"; }
# Wall seconds and peak RSS (MB) from a /usr/bin/time -v file.
time_wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$1"; }
time_rss() { awk -F': ' '/Maximum resident set size/ {printf "%.1f\n", $2/1024}' "$1"; }

# Starts sfrewind-emu with `spec` and extra args; sets $url and appends the pid to pids.
start_emu() {
  local name="$1" spec="$2"; shift 2
  local out="$work/$name.out"
  "$build/sfrewind-emu" --generate "$spec" --port 0 --token "$token=$user" "$@" >"$out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do
    url="$(sed -n 's/^sfrewind-emu listening on \(http[^ ]*\).*/\1/p' "$out" | head -n1)"
    [[ -n "$url" ]] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$out" >&2; exit 1; }
    sleep 0.25
  done
  echo "bench: $name did not start" >&2; exit 1
}
# records and edits for `rows` history rows (one creation row per record plus one per edit).
spec_for() { echo "records=$(($1 / 20)),edits=$(($1 - $1 / 20)),users=10,seed=7"; }

# Runs `sfrewind sync` into a new store; prints "rows seconds rss_mb api_calls".
run_sync() {
  local store="$1" u="$2" j="$3"
  rm -f "$store" "$store"-wal "$store"-shm "$store".lock
  /usr/bin/time -v -o "$work/time.txt" "$build/sfrewind" --json --store "$store" sync \
      --access-token "$token" --instance-url "$u" --jobs "$j" --batch-size "$batch" \
      >"$work/sync.json" 2>"$work/sync.err" || { cat "$work/sync.err" >&2; exit 1; }
  echo "$(jget new <"$work/sync.json") $(time_wall "$work/time.txt") $(time_rss "$work/time.txt") $(jget api_calls <"$work/sync.json")"
}
# Runs a peer ("python" or "jsforce") into a new SQLite file; prints "rows seconds rss_mb api_calls".
run_peer() {
  local kind="$1" db="$work/peer.db" cmd
  rm -f "$db" "$db"-wal "$db"-shm
  if [[ $kind == python ]]; then cmd=(python3 "$root/bench/peer_python.py")
  else cmd=(node "$root/bench/peer_jsforce.js"); fi
  /usr/bin/time -v -o "$work/time.txt" "${cmd[@]}" --instance-url "$url" --access-token "$token" \
      --db "$db" --batch-size "$batch" >"$work/peer.json" 2>"$work/peer.err" || { cat "$work/peer.err" >&2; exit 1; }
  echo "$(jget new <"$work/peer.json") $(time_wall "$work/time.txt") $(time_rss "$work/time.txt") $(jget api_calls <"$work/peer.json")"
}
# Median wall seconds of a command run `runs` times (output discarded).
time_cmd() {
  local n="$1"; shift
  local ts=() t0 t1
  for _ in $(seq 1 "$n"); do
    # bash's own clock (microseconds): no `date` process inside the timed span
    t0=${EPOCHREALTIME/./}; "$@" >/dev/null 2>"$work/cmd.err" || { cat "$work/cmd.err" >&2; exit 1; }; t1=${EPOCHREALTIME/./}
    ts+=("$(( t1 - t0 ))e-6")
  done
  median "${ts[@]}"
}
# Times `$@` once with the store as the runs before left it (on this VM often paged out by then),
# then `n` times more; prints "first median_of_the_n". A query's figure is the median of the
# runs after the first, which is reported beside it.
time_first_then() {
  local n="$1"; shift
  local first
  first="$(time_cmd 1 "$@")"
  echo "$first $(time_cmd "$n" "$@")"
}
ms() { python3 -c "print(round($1 * 1000, 1))"; }

rows_table=()
add() { rows_table+=("$1|$2|$3"); }

# --- 1. the emulator --------------------------------------------------------------------------
log "generating the org ($(spec_for $target_rows))"
t0=$(date +%s.%N)
start_emu emu "$(spec_for $target_rows)"
main_url="$url"
gen_s=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
log "emulator at $main_url after ${gen_s}s"

# --- 2. the ceiling ---------------------------------------------------------------------------
dec=(); ins=(); reins=(); ceil=(); decmb=()
for i in $(seq 1 "$runs"); do
  log "ceiling run $i/$runs"
  out="$("$build/bench/ingest_ceiling" --instance-url "$main_url" --access-token "$token" \
        --store "$work/ceiling.db" --batch-size "$batch" --max-rows 100000000)"
  dec+=("$(jget decode_rows_s <<<"$out")"); decmb+=("$(jget decode_mb_s <<<"$out")")
  ins+=("$(jget insert_rows_s <<<"$out")"); reins+=("$(jget reinsert_rows_s <<<"$out")")
  ceil+=("$(jget ceiling_rows_s <<<"$out")")
  ceiling_rows="$(jget rows <<<"$out")"; ceiling_mb="$(jget mb <<<"$out")"
done
add "ceiling: decode only (simdjson pages in memory)" "$(fmt_rate "$(median "${dec[@]}")") rows/s, $(median "${decmb[@]}") MB/s" "$runs runs, $ceiling_rows rows, $ceiling_mb MB JSON"
add "ceiling: store write path, new store (page commits + index build)" "$(fmt_rate "$(median "${ins[@]}")") rows/s" "$runs runs"
add "ceiling: re-reading rows already stored" "$(fmt_rate "$(median "${reins[@]}")") rows/s" "$runs runs; target >= 400 k"
add "ceiling: decode + insert" "$(fmt_rate "$(median "${ceil[@]}")") rows/s" "$runs runs"

# --- 3 and 4. sfrewind sync and the peers, in rounds on the same rows --------------------------
# Each round runs sfrewind, then each peer (all of them in the first $peer_runs rounds), against
# the same org before any incremental edit: the ratios compare runs of the same rows taken a
# minute or two apart, on a machine whose speed moves with the hour.
s_rate=(); s_wall=(); s_rss=(); s_calls=()
p_rate_python=(); p_wall_python=(); p_rss_python=(); p_calls_python=()
p_rate_jsforce=(); p_wall_jsforce=(); p_rss_jsforce=(); p_calls_jsforce=()
url="$main_url"
# Runs peer `$1` once and appends its figures to its arrays.
peer_round() {
  local -n rate_a="p_rate_$1" wall_a="p_wall_$1" rss_a="p_rss_$1" calls_a="p_calls_$1"
  local n w r c
  read -r n w r c <<<"$(run_peer "$1")"
  peer_rows=$n
  rate_a+=("$(python3 -c "print($n / $w)")"); wall_a+=("$w"); rss_a+=("$r"); calls_a+=("$c")
}
# Adds peer `$1`'s row from the medians of its rounds; sets rate_$1.
add_peer() {
  local -n rate_a="p_rate_$1" wall_a="p_wall_$1" rss_a="p_rss_$1" calls_a="p_calls_$1"
  local rate
  rate="$(median "${rate_a[@]}")"
  printf -v "rate_$1" '%s' "$rate"
  add "$1 peer, new SQLite file" "$(fmt_rate "$rate") rows/s, $(median "${wall_a[@]}") s, $(median "${rss_a[@]}") MB RSS, $(median "${calls_a[@]}") calls" "$peer_runs run(s), $peer_rows rows, in rounds with sfrewind's"
}
for i in $(seq 1 "$runs"); do
  log "sfrewind sync run $i/$runs"
  read -r n w r c <<<"$(run_sync "$work/store.db" "$main_url" "$jobs")"
  sync_rows=$n
  s_rate+=("$(python3 -c "print($n / $w)")"); s_wall+=("$w"); s_rss+=("$r"); s_calls+=("$c")
  if [[ $i -le $peer_runs ]]; then
    for kind in python jsforce; do
      log "$kind peer run $i/$peer_runs"
      peer_round "$kind"
    done
  fi
done
sync_rate="$(median "${s_rate[@]}")"
add "sfrewind sync (--jobs $jobs --batch-size $batch), new store" "$(fmt_rate "$sync_rate") rows/s" "$runs runs, $sync_rows rows"
add "sfrewind sync wall time" "$(median "${s_wall[@]}") s" ""
add "sfrewind sync peak RSS" "$(median "${s_rss[@]}") MB" "/usr/bin/time -v"
add "sfrewind sync API calls" "$(median "${s_calls[@]}")" "incl. discovery and users"
add_peer python
add_peer jsforce
add "ratio sfrewind sync / python peer" "$(ratio "$sync_rate" "$rate_python")" "target >= 8x"
add "ratio sfrewind sync / jsforce peer" "$(ratio "$sync_rate" "$rate_jsforce")" "target >= 4x"

# --- 3b. incremental sync: the full store, then new edits in the org -----------------------
# Generates `$1` new edits (seed `$2`) and syncs them into store `$3`; prints "rows seconds".
run_incremental() {
  curl -sf -X POST -d "{\"edits\": $1, \"seed\": $2}" "$main_url/__emu/generate-edits" >/dev/null
  /usr/bin/time -v -o "$work/time.txt" "$build/sfrewind" --json --store "$3" sync \
      --access-token "$token" --instance-url "$main_url" --jobs "$jobs" --batch-size "$batch" \
      >"$work/sync.json" 2>"$work/sync.err" || { cat "$work/sync.err" >&2; exit 1; }
  echo "$(jget new <"$work/sync.json") $(time_wall "$work/time.txt")"
}
new_rows=$((target_rows / 10))
i_rate=(); i_wall=(); i_rows=0; i_total=0; i_folds=0
for i in $(seq 1 "$runs"); do
  log "incremental sync run $i/$runs ($new_rows new history rows)"
  read -r n w <<<"$(run_incremental "$new_rows" $((100 + i)) "$work/store.db")"
  i_rate+=("$(python3 -c "print($n / $w)")"); i_wall+=("$w")
  i_rows=$((i_rows + n)); i_total=$(python3 -c "print($i_total + $w)")
  # A run that leaves no row in the recent tier folded it into the base (schema v5).
  [[ $(sqlite3 "$work/store.db" "SELECT count(*) FROM history WHERE tier = 1") == 0 ]] && i_folds=$((i_folds + 1))
done
add "incremental sync, store of $sync_rows rows + $new_rows new" "$(fmt_rate "$(median "${i_rate[@]}")") new rows/s, $(median "${i_wall[@]}") s" "$runs runs into one store; target >= 90 k"
add "incremental sync, the $runs runs together" "$(fmt_rate "$(python3 -c "print($i_rows / $i_total)")") new rows/s" "total rows / total time, $i_folds fold(s) of the recent tier included"
# --- 5. latency: --jobs 1 vs --jobs 8 --------------------------------------------------------
log "generating the latency org ($(spec_for $lat_rows), --latency-ms 100)"
start_emu emu-latency "$(spec_for $lat_rows)" --latency-ms 100
lat_url="$url"
j1=(); j8=()
for i in $(seq 1 "$peer_runs"); do
  log "latency run $i/$peer_runs"
  read -r n w _ _ <<<"$(run_sync "$work/lat.db" "$lat_url" 1)"; j1+=("$w")
  read -r n w _ _ <<<"$(run_sync "$work/lat.db" "$lat_url" 8)"; j8+=("$w")
done
add "sync, 100 ms latency, --jobs 1" "$(median "${j1[@]}") s" "$peer_runs run(s), $n rows"
add "sync, 100 ms latency, --jobs 8" "$(median "${j8[@]}") s" "speed-up $(ratio "$(median "${j1[@]}")" "$(median "${j8[@]}")"), target >= 5x"
kill "${pids[-1]}" 2>/dev/null || true
rm -f "$work"/lat.db*

# --- 5b. peak RSS on a small org: flat as rows grow? ----------------------------------------
log "generating the small org ($(spec_for $small_rows))"
start_emu emu-small "$(spec_for $small_rows)"
small_rss=()
for i in $(seq 1 "$runs"); do
  read -r n _ r _ <<<"$(run_sync "$work/small.db" "$url" "$jobs")"; small_rss+=("$r")
done
kill "${pids[-1]}" 2>/dev/null || true
add "sfrewind sync peak RSS at $n rows (flat as rows grow?)" "$(median "${small_rss[@]}") MB" "--jobs $jobs, against $(median "${s_rss[@]}") MB at $sync_rows rows"

# --- 6. plan and 7. queries on the synced store -------------------------------------------------
store="$work/store.db"
# The busiest record, the newest change, and 10,000 records drawn at random (seeded) into a file.
read -r rec at <<<"$(python3 - "$store" "$work/records.txt" <<'EOF'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rec, = db.execute("SELECT record_id FROM history GROUP BY record_id ORDER BY count(*) DESC LIMIT 1").fetchone()
lo, hi = db.execute("SELECT min(changed_at), max(changed_at) FROM history").fetchone()
ids = [r for r, in db.execute("SELECT DISTINCT record_id FROM history ORDER BY record_id")]
random.Random(7).shuffle(ids)
open(sys.argv[2], "w").write("\n".join(ids[:10000]) + "\n")
print(rec, hi)
EOF
)"
q_runs=21
start_ms="$(python3 -c "print(round($(time_cmd $q_runs "$build/sfrewind" --version) * 1000, 1))")"
add "timeline <record> --at (busiest record)" "$(python3 -c "print(round($(time_cmd $q_runs "$build/sfrewind" --store "$store" timeline "$rec" --at "$at") * 1000, 1))") ms" "median of $q_runs, process start included (sfrewind --version alone: $start_ms ms)"
ql="$("$build/bench/query_latency" --store "$store" --record "$rec" --at "$at" --runs 21)"
add "the same query through the library" "$(jget open_query_ms <<<"$ql") ms; $(jget query_ms <<<"$ql") ms on an open store" "bench/query_latency, median of 21: open read-only + load_values_at (one record)"
n_recs=$(wc -l <"$work/records.txt")
read -r q_first q_med <<<"$(time_first_then "$runs" "$build/sfrewind" --store "$store" timeline --records-file "$work/records.txt" --at "$at")"
add "timeline --records-file F --at ($n_recs records)" "$(ms "$q_med") ms" "median of $runs after a first run of $(ms "$q_first") ms (the store as the syncs before left it); records drawn at random (seed 7); target < 500 ms"
read -r q_first q_med <<<"$(time_first_then "$runs" "$build/sfrewind" --store "$store" changes --summary)"
add "changes --summary (whole store)" "$(ms "$q_med") ms" "median of $runs after a first run of $(ms "$q_first") ms"
creds=(--access-token "$token" --instance-url "$main_url")
window=(--from 2025-01-01T00:00:00Z --to 2100-01-01T00:00:00Z)
# plan: the median of $runs runs, each storing the plan for the first time (a plan already in
# the store is not written again): the first runs on copies of the store, the last on the store
# itself, whose plan apply then executes. apply changes the org, so it runs once.
plan_args=(plan --user user1@gen.example "${window[@]}" --out "$work/plan.json" "${creds[@]}")
plan_ts=(); plan_ok=1
for i in $(seq 1 "$runs"); do
  plan_store="$store"
  if [[ $i -lt $runs ]]; then
    plan_store="$work/plan-copy.db"; rm -f "$plan_store"*
    cp "$store" "$plan_store"; [[ -f "$store-wal" ]] && cp "$store-wal" "$plan_store-wal"
    sync  # the copy's dirty pages, or the plan's first fsync would write them out in its time
  fi
  t0=${EPOCHREALTIME/./}
  "$build/sfrewind" --json --store "$plan_store" "${plan_args[@]}" >"$work/plan.out" 2>&1 || { plan_ok=0; break; }
  t1=${EPOCHREALTIME/./}
  plan_ts+=("$(( t1 - t0 ))e-6")
done
rm -f "$work/plan-copy.db"*
if [[ $plan_ok == 1 ]]; then
  plan_s=$(python3 -c "print(round($(median "${plan_ts[@]}"), 2))")
  plan_note="$(python3 "$root/bench/summarize.py" plan "$work/plan.out")"
  add "plan (every change of user1@gen.example)" "$plan_s s" "median of $runs; $plan_note"
  t0=$(date +%s.%N)
  "$build/sfrewind" --json --store "$store" apply "$work/plan.json" --yes "${creds[@]}" \
      >"$work/apply.out" 2>"$work/apply.err" || true
  apply_s=$(python3 -c "print(round($(date +%s.%N) - $t0, 2))")
  add "apply (that plan, collections mode)" "$apply_s s" \
      "1 run (it changes the org); $(python3 "$root/bench/summarize.py" apply "$work/apply.out" "$work/apply.err")"
else
  add "plan" "not measured" "$(head -c 160 "$work/plan.out" | tr '\n|' ' /')"
fi

# --- 8. incremental sync of a nightly run's size (last: the org and the store have changed) ----
small_rows=$((target_rows / 100))
n_rate=(); n_wall=()
for i in $(seq 1 "$runs"); do
  log "small incremental sync run $i/$runs ($small_rows new history rows, and apply's own at first)"
  read -r n w <<<"$(run_incremental "$small_rows" $((200 + i)) "$work/store.db")"
  n_rate+=("$(python3 -c "print($n / $w)")"); n_wall+=("$w")
done
add "incremental sync, + $small_rows new (a nightly run's size)" "$(fmt_rate "$(median "${n_rate[@]}")") new rows/s, $(median "${n_wall[@]}") s" "$runs runs into the store above (the first also gets the history apply wrote)"

# --- 9. snapshots: the first, then a night's (last: they add snapshots to the store) -----------
# Prints "values seconds rss_mb"; exit 3 (drift found, reported by the review) is a result too.
run_snapshot() {
  local rc=0
  /usr/bin/time -v -o "$work/time.txt" "$build/sfrewind" --json --store "$work/store.db" snapshot \
      --access-token "$token" --instance-url "$main_url" >"$work/snap.json" 2>"$work/snap.err" || rc=$?
  [[ $rc == 0 || $rc == 3 ]] || { cat "$work/snap.err" >&2; exit 1; }
  echo "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["values"])' <"$work/snap.json") $(time_wall "$work/time.txt") $(time_rss "$work/time.txt")"
}
log "first snapshot"
read -r v w r <<<"$(run_snapshot)"
add "snapshot, the first ($v values)" "$w s, $r MB" "every watched value stored, then checked against history (drift)"
s_wall=(); s_rss=()
for i in $(seq 1 "$runs"); do
  log "nightly snapshot run $i/$runs (after a sync of $small_rows new history rows)"
  run_incremental "$small_rows" $((300 + i)) "$work/store.db" >/dev/null
  read -r v w r <<<"$(run_snapshot)"
  s_wall+=("$w"); s_rss+=("$r")
done
add "snapshot, a night's (after a sync of + $small_rows)" "$(median "${s_wall[@]}") s, $(median "${s_rss[@]}") MB" "median of $runs: the changed records' $v values stored, then every value checked against history"

# --- report -----------------------------------------------------------------------------------
machine="nproc $(nproc); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1); $(awk '/MemTotal/ {printf "%.1f GB RAM", $2/1048576}' /proc/meminfo); kernel $(uname -r); $(c++ --version | head -n1); $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || python3 -c 'import sqlite3; print("sqlite", sqlite3.sqlite_version)'); node $(node --version); $(python3 --version)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
fs="$(df -T "$work" | awk 'NR==2 {print $2}')"
table="| item | figure | notes |
|---|---|---|"
for r in "${rows_table[@]}"; do table+=$'\n'"| ${r//|/ | } |"; done
echo "$table"
{
  echo "# sfrewind benchmark ($size)"
  echo
  echo "Command: \`scripts/bench.sh $cmdline\` on $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$root" rev-parse --short HEAD)."
  echo
  echo "Machine: $machine. Work files on $fs ($work). Load average at the end: $load (the machine is shared)."
  echo
  echo "Org: \`sfrewind-emu --generate $(spec_for $target_rows)\` (generated in ${gen_s}s); history pages of $batch rows."
  echo "sfrewind sync uses --jobs $jobs. Peers: bench/peer_python.py (stdlib) and bench/peer_jsforce.js"
  echo "(jsforce 3 autoFetch, better-sqlite3 12), same queryAll SOQL and batch size, history id primary key"
  echo "plus one (record, field, time) index, WAL, synchronous=NORMAL, one transaction per page;"
  echo "they sync the same rows as sfrewind's first sync, each round of runs right after it."
  echo "Figures are medians of the runs noted; rows/s = rows new to the store / wall time."
  echo
  echo "$table"
} >"$root/bench/results.md"
log "wrote bench/results.md"
