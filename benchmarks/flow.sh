#!/usr/bin/env bash
# Processing under per-key concurrency limits beside the same jobs without limits, on every store
# (FlowMeasurements): 10,000 jobs with distinct keys at 1 per key, and one hot key (1,000 jobs) among 1,000 cold
# keys (one job each), interleaved at random, where the figure is how soon the cold keys' jobs start. Concurrency 10,
# one worker host, jobs enqueued before the worker starts. Starts throwaway Redis and PostgreSQL servers as run.sh
# does and writes results/<date>-flow.md with the machine and load in its header.
#   benchmarks/flow.sh
#   JOBQUEUE_BENCH_ONLY=inmemory,sqlite benchmarks/flow.sh     some stores only
#   JOBQUEUE_BENCH_QUICK=1 benchmarks/flow.sh                  a small smoke run (not for quoting)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$HERE/results"
STAMP="$(date -u +%Y-%m-%d)"
WORK="$(mktemp -d /tmp/jobqueue-flow.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$RESULTS"
# shellcheck source=servers.sh
source "$HERE/servers.sh"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

if have_redis; then
  start_redis
  export JOBQUEUE_BENCH_REDIS="127.0.0.1:$REDIS_PORT"
else
  log "Redis skipped: no redis-server found (install the redis-server package)"
fi

if have_postgres; then
  start_postgres
  export JOBQUEUE_BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
else
  log "PostgreSQL skipped: no initdb/pgbench found (install the postgresql package)"
fi

export JOBQUEUE_BENCH_DIR="$WORK/sqlite"
ROWS="$WORK/rows.md"
cd "$HERE/JobQueue.Benchmarks"
dotnet run -c Release -- --flow "$ROWS"

OUT="$RESULTS/$STAMP-flow.md"
{
  echo "# Processing under per-key limits ($STAMP)"
  echo
  echo "- commit: $(commit_label)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- load average at start (shared machine): $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- one worker host, queue concurrency 10, no-op jobs enqueued one per call (100 in flight) before the worker starts"
  echo "- jobs/s: all jobs, from the worker's start to the last outcome written; wait: from the worker's start to each"
  echo "  handler's start (every job in the distinct-keys rows, the cold keys' jobs in the hot-key rows), in ms"
  echo
  echo "| store | jobs | per-key limit | count | jobs/s | wait p50 | wait p99 |"
  echo "|---|---|---|---:|---:|---:|---:|"
  cat "$ROWS"
} > "$OUT"
log "wrote $OUT"
