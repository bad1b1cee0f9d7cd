#!/usr/bin/env bash
# Installs what the PHP bridge plugin's tests need (docs/bridge-example/): php8.2-cli, php-amqplib
# and phpunit from Debian's packages. Idempotent: does nothing when all three are there. Run as
# root (elsewhere, prefix it with sudo). Without them those tests are skipped, with the reason.
set -euo pipefail

packages="php8.2-cli php-amqplib phpunit"
autoloader=/usr/share/php/PhpAmqpLib/autoload.php
if command -v php >/dev/null 2>&1 && [ -f "$autoloader" ] && command -v phpunit >/dev/null 2>&1; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # the package list is meant to split
if ! apt-get install -y --no-install-recommends $packages >/dev/null 2>&1; then
  # The package lists may be missing or old on a fresh machine.
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends $packages >/dev/null
fi
php -r 'require "/usr/share/php/PhpAmqpLib/autoload.php"; echo "php ", PHP_VERSION, " with php-amqplib\n";'
phpunit --version
