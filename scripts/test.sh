#!/usr/bin/env bash
# The whole test suite: unit, store contract, and integration tests through a real RabbitMQ
# broker (installed and started here if needed). Ends with one line: "N passed, N failed, N skipped".
# MongoDB contract tests run when MOFASYNC_TEST_MONGODB_URL is set; otherwise they are skipped.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash rabbitmq/start-local-broker.sh || { echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
dotnet test tests/Mofa.Sync.Tests -c Release --nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T" (or "Failed! …") per test assembly.
summary=$(grep -E '^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {if (NR == 0) print "none"; else printf "%d passed, %d failed, %d skipped\n", p, f, s}')
rm -f "$log"

if [ "$summary" = "none" ]; then
  echo "0 passed, 1 failed"   # the test run did not get as far as a summary (build error or crash)
  exit 1
fi
echo "$summary"
if [ "$status" -ne 0 ]; then exit "$status"; fi
case "$summary" in
  *" 0 failed"*) exit 0 ;;
  *) exit 1 ;;
esac
