#!/usr/bin/env bash
# The first page of IJobAdmin.QueryJobsAsync (state = Failed, and a job name) among 1,000,000 finished jobs, on
# SQLite and PostgreSQL (JobListingBenchmarks). Starts a throwaway PostgreSQL cluster as run.sh does, writes the
# BenchmarkDotNet report to results/<date>-listing.md with the machine and load in its header.
#   benchmarks/listing.sh
#   JOBQUEUE_BENCH_LISTING_ROWS=100000 benchmarks/listing.sh    a smaller history (not for quoting)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$HERE/results"
STAMP="$(date -u +%Y-%m-%d)"
WORK="$(mktemp -d /tmp/jobqueue-listing.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$RESULTS"
# shellcheck source=servers.sh
source "$HERE/servers.sh"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

if have_postgres; then
  start_postgres
  export JOBQUEUE_BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
else
  log "PostgreSQL skipped: no initdb/pgbench found (install the postgresql package)"
fi

export JOBQUEUE_BENCH_ONLY="sqlite,postgres"
export JOBQUEUE_BENCH_DIR="$WORK/sqlite"
cd "$HERE/JobQueue.Benchmarks"
dotnet run -c Release -- --filter '*JobListingBenchmarks*' --artifacts "$WORK/bdn" --exporters github

OUT="$RESULTS/$STAMP-listing.md"
{
  echo "# First page of jobs among a finished history ($STAMP)"
  echo
  echo "- commit: $(commit_label)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- load average at start (shared machine): $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- history: ${JOBQUEUE_BENCH_LISTING_ROWS:-1000000} finished jobs, one in ten Failed, 20 names in turn (a name matches one in twenty)"
  echo "- each call: IJobAdmin.QueryJobsAsync, 50 jobs newest first and the total counted up to 10,000"
  echo
  cat "$WORK"/bdn/results/*JobListingBenchmarks*-report-github.md
} > "$OUT"
log "wrote $OUT"
