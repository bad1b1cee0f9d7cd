#!/usr/bin/env bash
# Installs (Debian's rabbitmq-server), configures and starts a local RabbitMQ broker.
# Idempotent: safe when the broker is already installed, already running, or stopped.
# Facts behind each step: shared/NOTES.md ("RabbitMQ from Debian").
set -euo pipefail

log() { echo "[broker] $*"; }

if ! command -v rabbitmq-server >/dev/null 2>&1; then
  log "installing rabbitmq-server from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The machines' policy-rc.d stops services from starting on install; we start it below.
  apt-get install -y -qq rabbitmq-server >/dev/null
fi

# Pin the node name so the node does not depend on the hostname.
mkdir -p /etc/rabbitmq
if ! grep -q '^NODENAME=rabbit@localhost' /etc/rabbitmq/rabbitmq-env.conf 2>/dev/null; then
  echo 'NODENAME=rabbit@localhost' >> /etc/rabbitmq/rabbitmq-env.conf
fi

# The broker definitions of this project (exchange moodle.events) are loaded at boot.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# (Imported after start, not with load_definitions: a boot-time import skips the default user.)
cat > /etc/rabbitmq/rabbitmq.conf <<CONF
loopback_users.guest = true
CONF

is_running() { rabbitmqctl -q status >/dev/null 2>&1; }

if is_running; then
  log "already running"
else
  # Plugins are enabled offline before the start (enabling on a running node costs seconds).
  rabbitmq-plugins --offline enable rabbitmq_management >/dev/null 2>&1 || true
  log "starting rabbitmq-server -detached"
  rabbitmq-server -detached >/dev/null 2>&1 || true
fi

# await_startup fails at once until the node has registered: retry it.
for i in $(seq 1 60); do
  if rabbitmqctl -q await_startup >/dev/null 2>&1; then break; fi
  sleep 1
  if [ "$i" = 60 ]; then log "broker did not start within 60 s"; exit 1; fi
done
rabbitmq-diagnostics -q check_port_connectivity >/dev/null

# A local development broker: the default guest user, reachable from loopback only.
if ! rabbitmqctl -q list_users | grep -q '^guest'; then
  rabbitmqctl -q add_user guest guest >/dev/null
  rabbitmqctl -q set_user_tags guest administrator >/dev/null
  rabbitmqctl -q set_permissions -p / guest '.*' '.*' '.*' >/dev/null
fi
rabbitmqctl -q import_definitions "$here/definitions.json" >/dev/null
log "ready on amqp://localhost:5672 (management on http://127.0.0.1:15672)"
