#!/usr/bin/env bash
# Starts a three-node RabbitMQ cluster on this machine, beside (never instead of) the local broker
# rabbit@localhost: nodes mofa1@localhost, mofa2@localhost, mofa3@localhost, each with its own
# AMQP, distribution and management ports and its own data and log folders. mofa2 and mofa3 join
# mofa1's cluster. Idempotent: nodes already running are left alone, stopped ones are started,
# a node that is not (or no longer) a member joins again.
#
#   bash rabbitmq/start-local-cluster.sh           start (or complete) the cluster
#   bash rabbitmq/start-local-cluster.sh --stop    stop the three nodes and delete their data
#
# Ports: AMQP 5681-5683, distribution 25681-25683, management 15681-15683 (guest/guest from
# loopback). Override the base folder with MOFA_CLUSTER_BASE. Needs root (the /usr/sbin wrappers
# run the nodes as the rabbitmq user with the local broker's Erlang cookie).
set -euo pipefail

log() { echo "[cluster] $*"; }

base="${MOFA_CLUSTER_BASE:-/var/lib/rabbitmq-mofa-cluster}"
nodes=(1 2 3)
node_name() { echo "mofa$1@localhost"; }
amqp_port() { echo $((5680 + $1)); }
dist_port() { echo $((25680 + $1)); }
mgmt_port() { echo $((15680 + $1)); }
ctl() { local n="$1"; shift; rabbitmqctl -n "$(node_name "$n")" "$@"; }

is_up() { ctl "$1" -q ping >/dev/null 2>&1; }

# The node's Erlang VM has exited (rabbitmqctl stop returns before that).
wait_gone() {
  local n="$1" pidfile="$base/mofa$1/pid"
  for _ in $(seq 1 60); do
    if ! is_up "$n" && { [ ! -s "$pidfile" ] || ! kill -0 "$(cat "$pidfile")" 2>/dev/null; }; then return 0; fi
    sleep 1
  done
  log "$(node_name "$n") did not stop within 60 s"; return 1
}

stop_cluster() {
  for n in "${nodes[@]}"; do
    if is_up "$n"; then
      log "stopping $(node_name "$n")"
      ctl "$n" -q stop >/dev/null 2>&1 || true
    fi
  done
  for n in "${nodes[@]}"; do wait_gone "$n"; done
  rm -rf "$base"
  log "stopped; data removed ($base)"
}

if [ "${1:-}" = "--stop" ]; then
  stop_cluster
  exit 0
fi

command -v rabbitmq-server >/dev/null 2>&1 || bash "$(dirname "${BASH_SOURCE[0]}")/start-local-broker.sh"

start_node() {
  local n="$1" dir="$base/mofa$1"
  mkdir -p "$dir/mnesia" "$dir/log"
  echo '[rabbitmq_management].' > "$dir/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$dir"
  log "starting $(node_name "$n") (AMQP $(amqp_port "$n"), management $(mgmt_port "$n"))"
  # The wrapper runs the node as the rabbitmq user; these variables pass through to it and win
  # over NODENAME in rabbitmq-env.conf (which pins the local broker's name).
  RABBITMQ_NODENAME="$(node_name "$n")" \
  RABBITMQ_NODE_PORT="$(amqp_port "$n")" \
  RABBITMQ_DIST_PORT="$(dist_port "$n")" \
  RABBITMQ_MNESIA_BASE="$dir/mnesia" \
  RABBITMQ_LOG_BASE="$dir/log" \
  RABBITMQ_PID_FILE="$dir/pid" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
  RABBITMQ_SERVER_START_ARGS="-rabbitmq_management listener [{port,$(mgmt_port "$n")},{ip,\"127.0.0.1\"}]" \
    rabbitmq-server -detached >/dev/null 2>&1 || true
}

# await_startup fails at once until the node has registered (it does not wait for that): retry it.
await_node() {
  local n="$1"
  for i in $(seq 1 90); do
    if ctl "$n" -q await_startup --timeout 30 >/dev/null 2>&1; then return 0; fi
    sleep 1
    if [ "$i" = 90 ]; then log "$(node_name "$n") did not start within 90 s (log: $base/mofa$n/log)"; return 1; fi
  done
}

# The RabbitMQ application runs (a test may have left it stopped with stop_app).
ensure_app() {
  local n="$1"
  if ! ctl "$n" -q eval 'rabbit:is_running().' 2>/dev/null | grep -q true; then
    log "starting the application on $(node_name "$n")"
    ctl "$n" -q start_app >/dev/null
  fi
  await_node "$n"
}

for n in "${nodes[@]}"; do
  if is_up "$n"; then
    log "$(node_name "$n") already running"
    ensure_app "$n"
  else
    start_node "$n"
  fi
done
for n in "${nodes[@]}"; do await_node "$n"; done

members() { ctl 1 -q eval 'rabbit_nodes:all_running().' 2>/dev/null; }
for n in 2 3; do
  name="$(node_name "$n")"
  if members | grep -q "$name"; then continue; fi
  log "joining $name to $(node_name 1)"
  ctl "$n" -q stop_app >/dev/null
  ctl "$n" -q reset >/dev/null
  if ! ctl "$n" -q join_cluster "$(node_name 1)" >/dev/null 2>&1; then
    # mofa1 still lists an earlier incarnation of this node (its data was removed): forget it first.
    ctl 1 -q forget_cluster_node "$name" >/dev/null 2>&1 || true
    ctl "$n" -q join_cluster "$(node_name 1)" >/dev/null
  fi
  ctl "$n" -q start_app >/dev/null
  await_node "$n"
done

for n in "${nodes[@]}"; do
  for i in $(seq 1 30); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$(amqp_port "$n")") 2>/dev/null; then break; fi
    sleep 1
    if [ "$i" = 30 ]; then log "$(node_name "$n") does not listen on $(amqp_port "$n")"; exit 1; fi
  done
done

running=$(members | grep -o 'mofa[0-9]@localhost' | sort -u | tr '\n' ' ')
log "ready: ${running}on amqp://localhost:5681,5682,5683 (management http://127.0.0.1:15681-15683)"
