#!/usr/bin/env bash
# Runs the JobQueue benchmarks beside each store's raw limit and writes results/<date>.md and results/<date>.svg.
#   benchmarks/run.sh            full run (under 30 minutes on 2 cores)
#   benchmarks/run.sh --quick    smoke check with small counts (under 5 minutes); not for quoting
#   JOBQUEUE_BENCH_ONLY=redis benchmarks/run.sh --quick    one store only (inmemory, sqlite, redis, postgres;
#                                comma-separated); its results file is then partial, so do not quote it
#   JOBQUEUE_BENCH_TAG=name      appended to the results file's name
# Starts a throwaway redis-server and PostgreSQL cluster on free loopback ports in a temp folder (as the test
# fixtures do) and stops them at the end. A missing binary skips that provider with a message naming the package.
set -euo pipefail

QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$HERE/results"
STAMP="$(date -u +%Y-%m-%d)"
[[ $QUICK == 1 ]] && STAMP="$STAMP-quick"
[[ -n "${JOBQUEUE_BENCH_ONLY:-}" ]] && STAMP="$STAMP-only-${JOBQUEUE_BENCH_ONLY//,/-}"
# JOBQUEUE_BENCH_TAG=name keeps the results of several runs of one day apart (an A/B in both orders, an experiment).
[[ -n "${JOBQUEUE_BENCH_TAG:-}" ]] && STAMP="$STAMP-$JOBQUEUE_BENCH_TAG"
WORK="$(mktemp -d /tmp/jobqueue-bench.XXXXXX)"
chmod 755 "$WORK"
RAW="$WORK/raw.tsv"
: > "$RAW"
mkdir -p "$RESULTS"
RUN_START=$(date +%s)
# Other engineers' builds and tests share these two cores: the header records what the machine was doing.
export JOBQUEUE_BENCH_NPROC="$(nproc)"
export JOBQUEUE_BENCH_LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

selected() { [[ -z "${JOBQUEUE_BENCH_ONLY:-}" || ",${JOBQUEUE_BENCH_ONLY,,}," == *",$1,"* ]]; }
# Also defines log and commit_label, and stops the servers and deletes $WORK on exit.
# shellcheck source=servers.sh
source "$HERE/servers.sh"
export JOBQUEUE_BENCH_COMMIT="$(commit_label)"

# Durations and counts: the quick run proves every path works; the full run is the one to quote.
if [[ $QUICK == 1 ]]; then
  REDIS_N=20000; PGBENCH_T=3; COPY_ROWS=200000; export JOBQUEUE_BENCH_QUICK=1
else
  REDIS_N=200000; PGBENCH_T=15; COPY_ROWS=1000000
fi

log "building"
dotnet build "$HERE/JobQueue.Benchmarks/JobQueue.Benchmarks.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
BENCH=(dotnet "$HERE/JobQueue.Benchmarks/bin/Release/net10.0/JobQueue.Benchmarks.dll")

# Redis: the same server for the raw limit and for JobQueue, so the ratio compares like with like.
if ! selected redis; then
  log "Redis not selected (JOBQUEUE_BENCH_ONLY=$JOBQUEUE_BENCH_ONLY)"
elif have_redis; then
  start_redis
  export JOBQUEUE_BENCH_REDIS="127.0.0.1:$REDIS_PORT"
  printf 'redis.version\t%s\n' "$(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')" >> "$RAW"
  lpush_csv() { # redis-benchmark options; prints its CSV line for LPUSH (name, rps, latencies)
    redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t lpush -n "$REDIS_N" --csv "$@" | tail -n 1 | tr -d '"'
  }
  redis_lpush() { # name, then redis-benchmark options; records rps and the p50/p99 latency it reports
    local name="$1"; shift
    local rps p50 p99
    IFS=, read -r _ rps _ _ p50 _ p99 _ <<< "$(lpush_csv "$@")"
    printf 'redis.lpush.%s\t%s\nredis.lpush.%s.p50\t%s\nredis.lpush.%s.p99\t%s\n' "$name" "$rps" "$name" "$p50" "$name" "$p99" >> "$RAW"
    log "redis-benchmark LPUSH $*: $rps/s (p50 $p50 ms, p99 $p99 ms)"
  }
  log "raw: redis-benchmark"
  redis_lpush c1p1 -c 1 -P 1
  redis_lpush p64 -c 1 -P 64
  redis_lpush c50 -c 50 -P 1
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  # The same LPUSH -c 50 again, which the suites run just before and just after the Redis drains (BesideCeiling):
  # the ratio's divisor then saw the same machine as the drains. It prints the rate and deletes the list it filled.
  # The script carries this script's own function and settings (declare), so both measure alike.
  cat > "$WORK/beside-redis-lpush-c50" <<SCRIPT
#!/usr/bin/env bash
set -euo pipefail
$(declare -p REDIS_PORT REDIS_N)
$(declare -f lpush_csv)
lpush_csv -c 50 -P 1 | cut -d, -f2
redis-cli -p \$REDIS_PORT del mylist >/dev/null
SCRIPT
  chmod +x "$WORK/beside-redis-lpush-c50"
  export JOBQUEUE_BENCH_BESIDE_REDIS_LPUSH_C50="$WORK/beside-redis-lpush-c50"
else
  log "redis-server or redis-benchmark missing (apt-get install redis-server redis-tools): Redis skipped"
fi

# PostgreSQL: pgbench on the same cluster pays the same durable commits as JobQueue.
if ! selected postgres; then
  log "PostgreSQL not selected (JOBQUEUE_BENCH_ONLY=$JOBQUEUE_BENCH_ONLY)"
elif have_postgres; then
  start_postgres
  export JOBQUEUE_BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=100"
  printf 'pg.version\t%s\n' "$("${PSQL[@]}" -Atc 'show server_version' | cut -d' ' -f1)" >> "$RAW"
  log "raw: pgbench"
  # A job-sized row into an indexed table, one row per transaction (pgbench's default: each script run is one).
  create_raw_jobs
  echo "INSERT INTO raw_jobs (id, name, queue, state, args, enqueued_at) VALUES (gen_random_uuid(), 'bench-noop', 'bench', 1, '{\"id\":\"0b3c6f7e-8d1a-4f7e-9a59-0c7c6e2b1d11\",\"name\":\"job\"}', now());" > "$WORK/insert.sql"
  pg_insert() { # clients
    local out tps lat
    out="$(pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -f "$WORK/insert.sql" -c "$1" -j "$(( $1 < 2 ? 1 : 2 ))" -T "$PGBENCH_T" postgres 2>&1)"
    tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<< "$out" | tail -n 1)"
    lat="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<< "$out")"
    printf 'pg.insert.c%s\t%s\npg.insert.c%s.latency\t%s\n' "$1" "$tps" "$1" "$lat" >> "$RAW"
    log "pgbench INSERT per transaction, $1 client(s): $tps tps (latency $lat ms)"
  }
  pg_insert 1
  pg_insert 8
  copy_rows_per_second() { # table, columns, CSV file of $COPY_ROWS rows: one client-side \copy, timed
    local start end
    start=$(date +%s.%N)
    "${PSQL[@]}" -c "\\copy $1 ($2) FROM '$3' (FORMAT csv)" >/dev/null
    end=$(date +%s.%N)
    python3 -c "print(round($COPY_ROWS / ($end - $start), 1))"
  }
  log "raw: COPY of $COPY_ROWS rows"
  raw_jobs_csv "$COPY_ROWS" "$WORK/copy.csv"
  "${PSQL[@]}" -c "TRUNCATE raw_jobs;"
  copy_rate="$(copy_rows_per_second raw_jobs "id, name, queue, state, args, enqueued_at" "$WORK/copy.csv")"
  printf 'pg.copy\t%s\npg.copy.rows\t%s\n' "$copy_rate" "$COPY_ROWS" >> "$RAW"
  log "COPY: $copy_rate rows/s"
  "${PSQL[@]}" -c "DROP TABLE raw_jobs;"
  # The same number of rows into the store's own jobs table with all its indexes, as its schema script creates
  # it (benchmarks/ceilings.sh measures the same): the least a bulk enqueue into the store has to write.
  log "raw: COPY of $COPY_ROWS rows into the store's jobs table"
  # Warnings and errors only: the schema script's, TRUNCATE's and DROP's notices say nothing about the run.
  psql_quiet=(env "PGOPTIONS=-c client_min_messages=warning" "${PSQL[@]}")
  "${BENCH[@]}" --postgres-schema | "${psql_quiet[@]}" >/dev/null
  rm -f "$WORK/copy.csv"
  store_jobs_csv "$COPY_ROWS" "$WORK/store.csv"
  # The same COPY, as a command the suites run again just before and just after PostgreSQL's bulk enqueue
  # (BesideCeiling). CASCADE: the store's job_logs table refers to its jobs. The checkpoint (as ceilings.sh takes
  # before each COPY) writes out what the work before left dirty, so this COPY does not pay for it; the rows are
  # removed after it (the suites make their own schemas), so the work after does not pay for them either.
  cat > "$WORK/beside-pg-copy-store" <<SCRIPT
#!/usr/bin/env bash
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
$(declare -p PSQL COPY_ROWS)
$(declare -f copy_rows_per_second)
"\${PSQL[@]}" -c "TRUNCATE jobqueue.jobs CASCADE; CHECKPOINT;"
copy_rows_per_second jobqueue.jobs "$(store_jobs_columns)" "$WORK/store.csv"
"\${PSQL[@]}" -c "TRUNCATE jobqueue.jobs CASCADE; CHECKPOINT;"
SCRIPT
  chmod +x "$WORK/beside-pg-copy-store"
  copy_rate="$("$WORK/beside-pg-copy-store")"
  printf 'pg.copy.store\t%s\n' "$copy_rate" >> "$RAW"
  log "COPY into the store's jobs table: $copy_rate rows/s"
  export JOBQUEUE_BENCH_BESIDE_PG_COPY_STORE="$WORK/beside-pg-copy-store"
else
  log "PostgreSQL binaries missing (apt-get install postgresql postgresql-contrib): PostgreSQL skipped"
fi

export JOBQUEUE_BENCH_DIR="$WORK/sqlite"
log "suites (BenchmarkDotNet and Stopwatch measurements)"
( cd "$WORK" && "${BENCH[@]}" \
    --raw "$RAW" --out "$RESULTS/$STAMP.md" --plot "$WORK/plot.dat" ) | tee "$WORK/suites.log" | grep --line-buffered -E '^(# |// \* Summary|\| )' || true
[[ -s "$RESULTS/$STAMP.md" ]] || { echo "The suites wrote no results; see the log above." >&2; exit 1; }

# Where Redis spent its time: the server's own count of script calls and microseconds per call over the
# whole run (every JobQueue operation is one EVALSHA), and its CPU seconds. A server that was mostly idle
# while JobQueue was slow points at the client side.
if [[ -n "$REDIS_PID" ]]; then
  {
    echo
    echo "## Redis server statistics over the whole run (INFO commandstats, INFO cpu)"
    echo
    echo "| command | calls | usec per call |"
    echo "|---|---:|---:|"
    redis-cli -p "$REDIS_PORT" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\),usec=[0-9]*,usec_per_call=\([0-9.]*\).*/| \1 | \2 | \3 |/p'
    echo
    echo "redis-server CPU over the whole run (including redis-benchmark): $(redis-cli -p "$REDIS_PORT" info cpu | tr -d '\r' | sed -n 's/^used_cpu_\(user\|sys\):\(.*\)/\1 \2 s/p' | paste -sd, -)."
    # The AOF rewrites run in a forked child, on the same two cores as everything else.
    echo "AOF rewrites over the whole run: $(redis-cli -p "$REDIS_PORT" info persistence | tr -d '\r' | sed -n 's/^aof_rewrites:\(.*\)/\1/p'), their CPU: $(redis-cli -p "$REDIS_PORT" info cpu | tr -d '\r' | sed -n 's/^used_cpu_\(user\|sys\)_children:\(.*\)/\1 \2 s/p' | paste -sd, -)."
  } >> "$RESULTS/$STAMP.md"
fi

log "plot: $RESULTS/$STAMP.svg (drawn by the suites; no plotting package needed)"
# The wall time and the load at the end are known only now: fill the header's placeholders.
sed -i -e "s|@WALL@|$(( ($(date +%s) - RUN_START) / 60 )) min $(( ($(date +%s) - RUN_START) % 60 )) s|" \
  -e "s|@LOAD_END@|$(cut -d' ' -f1-3 /proc/loadavg)|" "$RESULTS/$STAMP.md"
log "results: $RESULTS/$STAMP.md"
