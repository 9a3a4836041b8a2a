# Throwaway servers for benchmarks/run.sh and benchmarks/ceilings.sh, sourced by both after they set $WORK: a
# redis-server and a PostgreSQL cluster on free loopback ports in that folder. When the sourcing script exits,
# however it exits, the servers are stopped and the folder is deleted. Also the tables and CSV rows both scripts
# COPY, so their PostgreSQL limits are measured on the same rows.

REDIS_PID=""
PG_DATA=""
PG_AS=()
PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
[[ -x "$PG_BIN/initdb" ]] || PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

log() { printf '## %s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
# The commit a results file was measured at, flagged when the code (not the results folder) has uncommitted changes.
commit_label() {
  echo "$(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$HERE" diff --quiet HEAD -- . ':!results' ../src 2>/dev/null || echo ' (uncommitted changes)')"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

have_redis() { command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; }
have_postgres() { [[ -n "$PG_BIN" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pgbench" ]]; }

# Redis: AOF with fsync every second (Redis's own recommended durable setting). Sets REDIS_PORT and REDIS_PID.
start_redis() {
  REDIS_PORT="$(free_port)"
  mkdir -p "$WORK/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save '' --appendonly yes \
    --appendfsync everysec --protected-mode no >"$WORK/redis/server.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
}

# PostgreSQL: default durability (fsync and synchronous_commit on), unlike the test fixture: a benchmark of a
# durable queue must pay for durable commits. Sets PG_PORT, PG_DATA and PSQL (a psql command line).
start_postgres() {
  # initdb and postgres refuse to run as root: then they run as the package's postgres user.
  if [[ "$(id -u)" == 0 ]]; then PG_AS=(runuser -u postgres --); else PG_AS=(); fi
  PG_PORT="$(free_port)"
  mkdir -p "$WORK/pg"
  [[ "$(id -u)" == 0 ]] && chown postgres "$WORK/pg"
  PG_DATA="$WORK/pg/data"
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB" >/dev/null
  PSQL=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
}

# The raw limit's table: a job-sized row with two indexes (run.sh's pgbench INSERT and first COPY write into it).
create_raw_jobs() {
  "${PSQL[@]}" -c "CREATE TABLE raw_jobs (seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, name text NOT NULL,
      queue text NOT NULL, state smallint NOT NULL, args jsonb NOT NULL, enqueued_at timestamptz NOT NULL);"
}

# CSV rows for raw_jobs (id, name, queue, state, args, enqueued_at): rows, file.
raw_jobs_csv() {
  awk -v n="$1" 'BEGIN { srand(1); for (i = 0; i < n; i++) printf "%08x-%04x-4%03x-8%03x-%012x,bench-noop,bench,1,\"{\"\"id\"\":\"\"0b3c6f7e-8d1a-4f7e-9a59-0c7c6e2b1d11\"\",\"\"name\"\":\"\"job\"\"}\",2026-01-01 00:00:00+00\n", i, int(rand()*65535), int(rand()*4095), int(rand()*4095), i }' > "$2"
}

# The columns of the store's own table (jobqueue.jobs, from `JobQueue.Benchmarks --postgres-schema`) that a job
# enqueue fills; the rest keep their defaults. store_jobs_csv writes them in this order.
store_jobs_columns() {
  echo "id, name, queue, state, priority, arguments, max_attempts, timeout_ticks, retry_delay_ticks, run_at, enqueued_at"
}

# CSV rows for the store's jobs table (store_jobs_columns): rows, file. The ids are version 7 (time-ordered, as
# JobQueue's clients make them) and the arguments are kept as the store keeps them (bytea).
store_jobs_csv() {
  local args_hex
  args_hex="$(printf '%s' '{"id":"0b3c6f7e-8d1a-4f7e-9a59-0c7c6e2b1d11","name":"job"}' | od -An -tx1 -v | tr -d ' \n')"
  awk -v n="$1" -v a="$args_hex" 'BEGIN { srand(1); for (i = 0; i < n; i++) { ms = 1764000000000 + int(i / 1000);
      printf "%08x-%04x-7%03x-8%03x-%04x%08x,bench-noop,bench,1,0,\\x%s,3,3000000000,10000000,2026-01-01 00:00:00+00,2026-01-01 00:00:00+00\n",
        int(ms / 65536), ms % 65536, int(rand()*4095), int(rand()*4095), int(rand()*65535), i, a } }' > "$2"
}

cleanup() {
  if [[ -n "$REDIS_PID" ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  if [[ -n "$PG_DATA" ]]; then "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
