#!/usr/bin/env bash
# The README's test command: installs what a fresh machine lacks, then runs every test project once.
# Tests start their own throwaway PostgreSQL and Redis servers (and a three-node Redis Cluster) on free
# loopback ports; set JOBQUEUE_TEST_POSTGRES / JOBQUEUE_TEST_REDIS (connection strings) to use existing servers instead.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# redis-cli builds the throwaway Redis Cluster (redis-cli --cluster create); redis-server usually brings it.
if command -v redis-server >/dev/null 2>&1 && ! command -v redis-cli >/dev/null 2>&1; then
  missing+=(redis-tools)
fi
if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  missing+=(postgresql)
fi

# The dashboard's browser tests drive headless chromium through chromedriver (Debian/Ubuntu package names).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  missing+=(chromium)
fi
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "eng/test.sh: installing ${missing[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "eng/test.sh: missing ${missing[*]}. Install it first:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "eng/test.sh: the .NET SDK 10 is missing (https://dotnet.microsoft.com/download)." >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test JobQueue.sln -c Release "$@" 2>&1 | tee "$log" || status=$?

# One closing line over every test project.
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") { gsub(",", "", $(i+1)); failed += $(i+1) }
         if ($i == "Passed:") { gsub(",", "", $(i+1)); passed += $(i+1) }
       }
     }
     END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
exit "$status"
