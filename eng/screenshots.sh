#!/usr/bin/env bash
# Retakes the README's dashboard screenshots (docs/images/dashboard-overview.png, dashboard-job-detail.png) from a run
# of samples/WebShop: starts it on a free loopback port with a throwaway database, signs some people up and places an
# order so there is data (the simulated services fail now and then, so some jobs are retried), then lets headless
# chromium photograph the overview and the detail of a retried job at 1280x900. Needs chromium and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "eng/screenshots.sh: chromium is missing (sudo apt-get install -y chromium)." >&2
  exit 1
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
shop_pid=""
cleanup() {
  if [ -n "$shop_pid" ]; then kill "$shop_pid" 2>/dev/null || true; wait "$shop_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build samples/WebShop -c Release -v quiet -nologo >/dev/null
# A higher failure rate than the default so that retries show; shorter simulated delays so the run is quick.
Shop__DatabasePath="$work/webshop.db" Shop__FailureRate=0.3 Shop__DelayScale=0.2 ASPNETCORE_URLS="$base" \
  dotnet run --project samples/WebShop -c Release --no-build >"$work/shop.log" 2>&1 &
shop_pid=$!

for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "$base/jobs/" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o /dev/null "$base/jobs/" || { echo "eng/screenshots.sh: the shop did not start:" >&2; cat "$work/shop.log" >&2; exit 1; }

for name in ada grace linus margaret ken barbara dennis frances; do
  curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"email\":\"$name@example.com\"}" "$base/signup"
done
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"email":"ada@example.com","tickets":40}' "$base/orders"
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"email":"grace@example.com","tickets":25}' "$base/orders"

# Waits (up to a minute) until nothing is left to run, then picks the job retried most often.
retried=""
for _ in $(seq 1 120); do
  retried=$(curl -fsS "$base/jobs/api/overview" | python3 -c '
import json, sys
states = json.load(sys.stdin).get("states", {})
print("busy" if states.get("Enqueued", 0) + states.get("Running", 0) + states.get("Scheduled", 0) + states.get("Awaiting", 0) else "idle")')
  [ "$retried" = "idle" ] && break
  sleep 0.5
done
retried=$(curl -fsS "$base/jobs/api/jobs?pageSize=200" | python3 -c '
import json, sys
jobs = json.load(sys.stdin)["jobs"]
jobs.sort(key=lambda j: j.get("attempt", 0), reverse=True)
ids = [j["id"]["value"] if isinstance(j["id"], dict) else j["id"] for j in jobs if j.get("attempt", 0) > 1]
print(ids[0] if ids else "")')
if [ -z "$retried" ]; then
  echo "eng/screenshots.sh: no job was retried this time; run it again." >&2
  exit 1
fi

shoot() {
  timeout 60 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --window-size=1280,900 --timeout=4000 --screenshot="$1" "$2" >/dev/null 2>&1
}
mkdir -p docs/images
shoot "$PWD/docs/images/dashboard-overview.png" "$base/jobs/"
shoot "$PWD/docs/images/dashboard-job-detail.png" "$base/jobs/jobs/$retried"
echo "eng/screenshots.sh: wrote docs/images/dashboard-overview.png and docs/images/dashboard-job-detail.png (job $retried)"
