#!/usr/bin/env bash
# Installs what the alert rules' tests need (deploy/prometheus/): promtool and prometheus from
# Debian's `prometheus` package. Idempotent: does nothing when both are there. Run as root
# (elsewhere, prefix it with sudo). The tests start their own prometheus on a free port with a
# temporary configuration, so the packaged service is stopped and disabled right after the
# install: it would otherwise scrape nothing useful on port 9090 for ever. Without the package
# those tests are skipped, with the reason.
set -euo pipefail

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1; then
  # The package lists may be missing or old on a fresh machine.
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends prometheus >/dev/null
fi
if [ -d /run/systemd/system ]; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
elif [ -x /etc/init.d/prometheus ]; then
  /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  update-rc.d prometheus disable >/dev/null 2>&1 || true
fi
promtool --version 2>&1 | head -1
