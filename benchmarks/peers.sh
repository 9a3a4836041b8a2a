#!/usr/bin/env bash
# JobQueue beside other job systems on the same throwaway servers, in one run: BullMQ on Redis, Hangfire on
# PostgreSQL, in memory and on SQLite, each beside JobQueue's own figures for the same store, measured the same way
# (docs/performance.md, "Beside other job systems"). Writes results/<date>-peers.md (never over an existing file:
# a second run of the day gets -2, -3, ...).
#   benchmarks/peers.sh             full run (about 25 minutes on 2 cores): the run to quote
#   benchmarks/peers.sh --quick     smoke check with small counts; writes results/<date>-peers-quick.md (git-ignored)
#   JOBQUEUE_PEERS_ORDER=peers-first benchmarks/peers.sh     the peers before JobQueue (to see what order costs)
#   JOBQUEUE_PEERS_ONLY=bullmq,hangfire-postgres              some peers only (bullmq, hangfire-postgres,
#                                   hangfire-inmemory, hangfire-sqlite); JobQueue's rows run for their stores
# Needs what run.sh needs (the .NET SDK, redis-server, PostgreSQL's server binaries, python3) and Node.js with npm;
# `npm ci` installs the pinned BullMQ into benchmarks/peers/bullmq/node_modules (git-ignored).
set -euo pipefail

QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$HERE/results"
STAMP="$(date -u +%Y-%m-%d)"
ORDER="${JOBQUEUE_PEERS_ORDER:-ours-first}"
[[ "$ORDER" == ours-first || "$ORDER" == peers-first ]] || { echo "JOBQUEUE_PEERS_ORDER is ours-first or peers-first, not '$ORDER'" >&2; exit 2; }
if [[ $QUICK == 1 ]]; then
  OUT="$RESULTS/$STAMP-peers-quick.md"
else
  OUT="$RESULTS/$STAMP-peers.md"
  n=2
  while [[ -e "$OUT" ]]; do OUT="$RESULTS/$STAMP-peers-$n.md"; n=$((n + 1)); done
fi
WORK="$(mktemp -d /tmp/jobqueue-peers.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$RESULTS"
RUN_START=$(date +%s)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

peer_selected() { [[ -z "${JOBQUEUE_PEERS_ONLY:-}" || ",${JOBQUEUE_PEERS_ONLY,,}," == *",$1,"* ]]; }
# Also defines log and commit_label, and stops the servers and deletes $WORK on exit.
# shellcheck source=servers.sh
source "$HERE/servers.sh"
COMMIT="$(commit_label)"

# Counts. JobQueue's rows use run.sh's full-run counts (drains of 50,000 jobs, median of 3, 500 latency samples).
# A peer that processes far slower gets a smaller drain so the run ends; the results file states every count.
if [[ $QUICK == 1 ]]; then
  export JOBQUEUE_BENCH_QUICK=1
  DRAIN=2000; DRAINS=1; SAMPLES=50
  HF_PG_DRAIN=1000; HF_SQLITE_DRAIN=100; HF_SQLITE_SAMPLES=3
else
  DRAIN=50000; DRAINS=3; SAMPLES=500
  HF_PG_DRAIN=2000; HF_SQLITE_DRAIN=300; HF_SQLITE_SAMPLES=20
fi

stores=()
peer_selected bullmq && stores+=(redis)
peer_selected hangfire-postgres && stores+=(postgres)
peer_selected hangfire-inmemory && stores+=(inmemory)
peer_selected hangfire-sqlite && stores+=(sqlite)
[[ ${#stores[@]} -gt 0 ]] || { echo "JOBQUEUE_PEERS_ONLY selects no peer: '$JOBQUEUE_PEERS_ONLY'" >&2; exit 2; }

log "building JobQueue.Benchmarks and the Hangfire peer; installing BullMQ"
dotnet build "$HERE/JobQueue.Benchmarks/JobQueue.Benchmarks.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build "$HERE/peers/Hangfire/Hangfire.PeerBench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
if peer_selected bullmq; then
  ( cd "$HERE/peers/bullmq" && npm ci --no-audit --no-fund --loglevel=error >/dev/null )
fi

if [[ " ${stores[*]} " == *" redis "* ]]; then
  have_redis || { echo "redis-server missing (apt-get install redis-server redis-tools)" >&2; exit 1; }
  start_redis
  export JOBQUEUE_BENCH_REDIS="127.0.0.1:$REDIS_PORT"
fi
if [[ " ${stores[*]} " == *" postgres "* ]]; then
  have_postgres || { echo "PostgreSQL binaries missing (apt-get install postgresql postgresql-contrib)" >&2; exit 1; }
  start_postgres
  export JOBQUEUE_BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=100"
fi
{
  printf 'redis\t%s\n' "$(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')"
  [[ -n "$PG_DATA" ]] && printf 'postgres\t%s\n' "$("${PSQL[@]}" -Atc 'show server_version' | cut -d' ' -f1)"
  printf 'node\t%s\n' "$(node --version)"
  printf 'dotnet\t%s\n' "$(dotnet --version)"
} > "$WORK/versions.tsv"

# JobQueue's own rows: run.sh's measurement program in its run.sh mode, for the stores of the selected peers only.
# The fetch-with-history drains it also runs are kept tiny here (they are not shown beside any peer).
ours() {
  log "JobQueue: ${stores[*]}"
  local only; only="$(IFS=,; echo "${stores[*]}")"
  ( cd "$WORK" && JOBQUEUE_BENCH_ONLY="$only" JOBQUEUE_BENCH_DIR="$WORK/sqlite" \
      JOBQUEUE_BENCH_HISTORY_ROWS=1000 JOBQUEUE_BENCH_HISTORY_JOBS=1000 \
      JOBQUEUE_BENCH_DRAIN_JOBS="$DRAIN" JOBQUEUE_BENCH_LATENCY_SAMPLES="$SAMPLES" \
      dotnet "$HERE/JobQueue.Benchmarks/bin/Release/net10.0/JobQueue.Benchmarks.dll" \
      --raw /dev/null --out "$WORK/ours.md" --plot "$WORK/ours.dat" --figures "$WORK/ours.tsv" ) \
    > "$WORK/ours.log" 2>&1 || { tail -n 40 "$WORK/ours.log" >&2; exit 1; }
  grep -E '^# (InMemory|Sqlite|Redis|Postgres) (drain|latency)' "$WORK/ours.log" || true
}

# One peer: name, then the command; its "key TAB value" lines go to $WORK/<name>.tsv, its "# " lines to the log.
peer() {
  local name="$1"; shift
  log "$name"
  "$@" > "$WORK/$name.out" 2>&1 || { tail -n 40 "$WORK/$name.out" >&2; exit 1; }
  grep '^# ' "$WORK/$name.out" | tee "$WORK/$name.notes"
  grep -v '^#' "$WORK/$name.out" | grep -P '^[a-z0-9.]+\t' > "$WORK/$name.tsv" || true
}

HANGFIRE=(dotnet "$HERE/peers/Hangfire/bin/Release/net10.0/Hangfire.PeerBench.dll")
peers() {
  if peer_selected bullmq; then
    peer bullmq env PEER_REDIS="127.0.0.1:$REDIS_PORT" PEER_DRAIN_JOBS="$DRAIN" PEER_DRAINS="$DRAINS" \
      PEER_LATENCY_SAMPLES="$SAMPLES" node "$HERE/peers/bullmq/bench.mjs"
  fi
  if peer_selected hangfire-postgres; then
    peer hangfire-postgres env PEER_POSTGRES="$JOBQUEUE_BENCH_POSTGRES" PEER_DRAIN_JOBS="$HF_PG_DRAIN" \
      PEER_DRAINS="$DRAINS" PEER_LATENCY_SAMPLES="$SAMPLES" "${HANGFIRE[@]}" postgres
  fi
  if peer_selected hangfire-inmemory; then
    peer hangfire-inmemory env PEER_DRAIN_JOBS="$DRAIN" PEER_DRAINS="$DRAINS" PEER_LATENCY_SAMPLES="$SAMPLES" \
      "${HANGFIRE[@]}" inmemory
  fi
  if peer_selected hangfire-sqlite; then
    mkdir -p "$WORK/hangfire-sqlite"
    peer hangfire-sqlite env PEER_SQLITE_DIR="$WORK/hangfire-sqlite" PEER_DRAIN_JOBS="$HF_SQLITE_DRAIN" \
      PEER_DRAINS="$DRAINS" PEER_LATENCY_SAMPLES="$HF_SQLITE_SAMPLES" PEER_LATENCY_WARMUP=2 PEER_ENQUEUE_CALLS=1,4 "${HANGFIRE[@]}" sqlite
  fi
}

if [[ "$ORDER" == ours-first ]]; then ours; peers; else peers; ours; fi

LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
WALL="$(( ($(date +%s) - RUN_START) / 60 )) min $(( ($(date +%s) - RUN_START) % 60 )) s"
python3 "$HERE/peers/report.py" "$WORK" "$OUT" \
  --stamp "$STAMP" --commit "$COMMIT" --quick "$QUICK" --order "$ORDER" --wall "$WALL" \
  --load-start "$LOAD_START" --load-end "$LOAD_END" --nproc "$(nproc)" \
  --cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
  --os "$(. /etc/os-release && echo "$PRETTY_NAME")" \
  --drain "$DRAIN" --drains "$DRAINS" --samples "$SAMPLES" \
  --hf-pg-drain "$HF_PG_DRAIN" --hf-sqlite-drain "$HF_SQLITE_DRAIN" --hf-sqlite-samples "$HF_SQLITE_SAMPLES"
log "results: $OUT"
