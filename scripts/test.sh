#!/usr/bin/env bash
# The whole test suite: unit, store contract, and integration tests through a real RabbitMQ
# broker (installed and started here if needed; PHP for the bridge example's test and Prometheus for
# the alert rules' tests too). Ends with one
# line: "N passed, N failed, N skipped".
# MongoDB contract tests run when MOFASYNC_TEST_MONGODB_URL is set; otherwise they are skipped.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash rabbitmq/start-local-broker.sh || { echo "0 passed, 1 failed"; exit 1; }
# The PHP bridge example's test needs php and php-amqplib; without them it is skipped, with the reason.
bash scripts/install-php.sh || echo "warning: php8.2-cli / php-amqplib / phpunit could not be installed; the bridge plugin's PHP tests will be skipped" >&2
# The alert rules' tests need promtool and prometheus; without them they are skipped, with the reason.
bash scripts/install-prometheus.sh || echo "warning: prometheus could not be installed; the alert rules' tests will be skipped" >&2

results=.artifacts/test-results
rm -rf "$results"
dotnet test tests/Mofa.Sync.Tests -c Release --nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=results.trx" --results-directory "$results"
status=$?

# The summary comes from the TRX report's counters (not from dotnet test's own text, which CI does not read).
trx="$results/results.trx"
if [ ! -f "$trx" ]; then
  echo "0 passed, 1 failed"   # the run did not get as far as a report (build error or crash)
  exit 1
fi
counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
count() { echo "$counters" | sed -E "s/.* $1=\"([0-9]+)\".*/\1/"; }
total=$(count total); executed=$(count executed); passed=$(count passed); failed=$(count failed); errors=$(count error)
failed=$((failed + errors))
skipped=$((total - executed))
if [ "$executed" -eq 0 ]; then
  echo "0 passed, 1 failed"   # a run that executes no test does not count
  exit 1
fi
# The failed tests again, just above the summary, so the end of a long log names them.
if [ "$failed" -ne 0 ] && command -v python3 >/dev/null; then
  python3 scripts/trx-failures.py "$trx" || true
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
exit 0
