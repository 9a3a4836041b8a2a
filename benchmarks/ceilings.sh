#!/usr/bin/env bash
# What the servers alone allow, for the issue-6 targets that benchmarks/run.sh reports as missed: each store's
# own writes per job, made on the server with no JobQueue client at all, and a bare .NET socket's round trip.
# A target above its ceiling cannot be met by any client code, only by a different key layout or schema.
#   benchmarks/ceilings.sh      about three minutes on 2 cores; writes results/<date>-ceilings.md
# Starts the same throwaway servers as run.sh (benchmarks/servers.sh), with the same settings.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/results/$(date -u +%Y-%m-%d)-ceilings.md"
WORK="$(mktemp -d /tmp/jobqueue-ceilings.XXXXXX)"
chmod 755 "$WORK"
TSV="$WORK/ceilings.tsv"
: > "$TSV"
# Also defines log and commit_label, and stops the servers and deletes $WORK on exit.
# shellcheck source=servers.sh
source "$HERE/servers.sh"

export JOBQUEUE_BENCH_LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "building"
dotnet build "$HERE/JobQueue.Benchmarks/JobQueue.Benchmarks.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
BENCH=(dotnet "$HERE/JobQueue.Benchmarks/bin/Release/net10.0/JobQueue.Benchmarks.dll")

# In-memory: the runtime keeping one 296-byte object per job under a new key (run.sh's second raw limit), the
# least an in-memory enqueue does before it serializes arguments, makes an id or signals a worker.
log "in-memory: keeping a 296-byte object per job (BenchmarkDotNet)"
"${BENCH[@]}" --filter '*RawRetain*' --inProcess --warmupCount 2 --iterationCount 10 --invocationCount 32 \
  --unrollFactor 1 --artifacts "$WORK/bdn" --exporters csv >/dev/null
python3 "$HERE/ceilings/report.py" --bdn-rate "$WORK/bdn/results/JobQueue.Benchmarks.RawRetainBenchmarks-report.csv" \
  | sed 's/^/memory.retain.rate\t/' >> "$TSV"

if have_redis; then
  start_redis
  R=(redis-cli -p "$REDIS_PORT")
  line="$(redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t lpush -n 200000 -c 1 -P 1 --csv | tail -n 1 | tr -d '"')"
  printf 'redis.lpush.c1p1\t%s\n' "$(cut -d, -f2 <<< "$line")" >> "$TSV"
  log "bare .NET socket round trips"
  "${BENCH[@]}" --socket-floor "$REDIS_PORT" >> "$TSV"
  # The process-wide switch docs/redis.md describes (not set by the library): socket completions run inline.
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${BENCH[@]}" --socket-floor "$REDIS_PORT" | sed 's/^dotnet\./dotnet.inline./' >> "$TSV"

  # Runs a script from benchmarks/ceilings/ in one pipeline of calls: script, calls, then the script's arguments
  # after the first job's number (each call gets a fresh range of job ids).
  run_script() {
    local script="$1" calls="$2"; shift 2
    local sha
    sha="$("${R[@]}" script load "$(cat "$HERE/ceilings/$script")")"
    for k in $(seq 0 $(( calls - 1 ))); do echo "EVALSHA $sha 0 $(( k * 1000 + 1000000 )) $*"; done | "${R[@]}" >/dev/null
  }
  # Server microseconds per job of one script, from the server's own accounting: name, script, calls, jobs per
  # call, then the script's arguments as for run_script. Starts from an empty server.
  script_cost() {
    local name="$1" script="$2" calls="$3" per_call="$4"; shift 4
    local usec
    "${R[@]}" config resetstat >/dev/null
    run_script "$script" "$calls" "$@"
    usec="$("${R[@]}" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:.*usec_per_call=\([0-9.]*\).*/\1/p')"
    printf 'redis.%s.us_per_job\t%s\n' "$name" "$(python3 -c "print(round($usec / $per_call, 2))")" >> "$TSV"
    log "$name: $usec us per call of $per_call jobs"
    "${R[@]}" flushall >/dev/null
  }
  for round in 1 2; do
    script_cost "enqueue.store.r$round" enqueue-store-layout.lua 200 1000 indexed 1000
    script_cost "enqueue.ready.r$round" enqueue-store-layout.lua 200 1000 ready-only 1000
    # One job per call, as an awaited enqueue sends it: the script call's own overhead is then per job.
    script_cost "enqueue.one.r$round" enqueue-store-layout.lua 20000 1 indexed 1
    script_cost "enqueue.leanest.r$round" enqueue-leanest.lua 200 1000
    # Processing drains 50,000 ready jobs (as run.sh's drains do) in fetches of ten.
    run_script enqueue-store-layout.lua 50 indexed 1000
    script_cost "process.store.r$round" process-store-layout.lua 5000 10 10
  done
else
  log "redis-server or redis-benchmark missing (apt-get install redis-server redis-tools): Redis skipped"
fi

if have_postgres; then
  start_postgres
  create_raw_jobs
  "${BENCH[@]}" --postgres-schema | "${PSQL[@]}" >/dev/null
  # The same table without its newest-first index (jobs_seq_idx), the one index fetching does not need.
  "${PSQL[@]}" -c "CREATE TABLE jobqueue.jobs_without_seq_idx (LIKE jobqueue.jobs INCLUDING ALL);"
  seq_index="$("${PSQL[@]}" -Atc "SELECT indexname FROM pg_indexes WHERE schemaname = 'jobqueue' AND tablename = 'jobs_without_seq_idx' AND indexdef LIKE '%(seq DESC)%'")"
  "${PSQL[@]}" -c "DROP INDEX jobqueue.\"$seq_index\";"
  ROWS=1000000
  log "CSV of $ROWS rows for each table"
  raw_jobs_csv "$ROWS" "$WORK/raw.csv"
  store_jobs_csv "$ROWS" "$WORK/jobs.csv"
  store_columns="$(store_jobs_columns)"
  copy_rate() { # name, table, columns, file
    # CASCADE: the store's job_logs table refers to its jobs.
    "${PSQL[@]}" -c "TRUNCATE raw_jobs, jobqueue.jobs, jobqueue.jobs_without_seq_idx CASCADE; CHECKPOINT;"
    local start end
    start=$(date +%s.%N)
    "${PSQL[@]}" -c "\\copy $2 ($3) FROM '$4' (FORMAT csv)"
    end=$(date +%s.%N)
    printf 'pg.copy.%s\t%s\n' "$1" "$(python3 -c "print(round($ROWS / ($end - $start), 1))")" >> "$TSV"
    log "COPY into $2: $(tail -n 1 "$TSV" | cut -f2) rows/s"
  }
  # Alternated, so a burst of outside load or a slow disk moment falls on both sides alike.
  for round in 1 2; do
    copy_rate "raw.r$round" raw_jobs "id, name, queue, state, args, enqueued_at" "$WORK/raw.csv"
    copy_rate "store.r$round" jobqueue.jobs "$store_columns" "$WORK/jobs.csv"
    copy_rate "noseq.r$round" jobqueue.jobs_without_seq_idx "$store_columns" "$WORK/jobs.csv"
  done
else
  log "PostgreSQL binaries missing (apt-get install postgresql postgresql-contrib): PostgreSQL skipped"
fi

mkdir -p "$(dirname "$OUT")"
python3 "$HERE/ceilings/report.py" "$TSV" "$(commit_label)" \
  "$JOBQUEUE_BENCH_LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT"
log "results: $OUT"
