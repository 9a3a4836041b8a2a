#!/usr/bin/env bash
# Load on the WebShop sample's sign-up: the e-mail sent inside the request vs deferred to a job, from one run.
# Starts the sample (Release) on a free loopback port with a fresh SQLite file in a temp folder, runs the load driver
# (benchmarks/JobQueue.Benchmarks --signup-load), writes results/<date>-signup.md and stops the sample.
#   benchmarks/signup.sh [clients] [seconds]     defaults: 32 clients, 15 seconds per variant
set -euo pipefail

CLIENTS="${1:-32}"
SECONDS_EACH="${2:-15}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
OUT="$HERE/results/$(date -u +%Y-%m-%d)-signup.md"
WORK="$(mktemp -d /tmp/jobqueue-signup.XXXXXX)"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

dotnet build "$ROOT/samples/WebShop" -c Release --nologo -v q >/dev/null
dotnet build "$HERE/JobQueue.Benchmarks" -c Release --nologo -v q >/dev/null

# The sample as shipped (realistic mail delays of 150 to 900 ms, one call in ten failing), logging only warnings.
(cd "$ROOT/samples/WebShop" && exec dotnet bin/Release/net10.0/WebShop.dll --urls "http://127.0.0.1:$PORT" \
  --Shop:DatabasePath="$WORK/webshop.db" --Logging:LogLevel:Default=Warning >"$WORK/sample.log" 2>&1) &
SAMPLE=$!
trap 'kill $SAMPLE 2>/dev/null || true; wait $SAMPLE 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 0.1
done

{
  echo "# Sign-up: e-mail in the request vs deferred to a job ($(date -u +%Y-%m-%d))"
  echo
  echo "samples/WebShop on SQLite, Kestrel on loopback; $CLIENTS clients posting sign-ups back to back for $SECONDS_EACH s per variant"
  echo "after 2 s of warm-up, driver and sample in the same machine. Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"
  echo "load average at start $(cut -d' ' -f1-3 /proc/loadavg). Simulated mail: 150 to 900 ms a message, 10% of calls fail."
  echo
  dotnet "$HERE/JobQueue.Benchmarks/bin/Release/net10.0/JobQueue.Benchmarks.dll" --signup-load "http://127.0.0.1:$PORT" "$CLIENTS" "$SECONDS_EACH"
  echo
  echo "Errors of the inline variant are the provider's simulated failures reaching the caller (503); the deferred"
  echo "variant answers 202 and its job retries them."
} | tee "$OUT"
