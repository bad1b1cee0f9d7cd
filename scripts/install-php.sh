#!/usr/bin/env bash
# Installs what the PHP bridge example's test needs (docs/bridge-example/): php8.2-cli and
# php-amqplib from Debian's packages. Idempotent: does nothing when both are there. Run as root
# (elsewhere, prefix it with sudo). Without them that one test is skipped, with the reason.
set -euo pipefail

autoloader=/usr/share/php/PhpAmqpLib/autoload.php
if command -v php >/dev/null 2>&1 && [ -f "$autoloader" ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends php8.2-cli php-amqplib >/dev/null 2>&1; then
  # The package lists may be missing or old on a fresh machine.
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends php8.2-cli php-amqplib >/dev/null
fi
php -r 'require "/usr/share/php/PhpAmqpLib/autoload.php"; echo "php ", PHP_VERSION, " with php-amqplib\n";'
