#!/usr/bin/env bash
# The main job, end to end on this machine: a real RabbitMQ broker, the service on the embedded
# SQLite store, fed samples/term-start.jsonl (a recorded term start) the way the Moodle bridge
# publishes it, then the resulting mirror printed. Run as root (it installs/starts the broker).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash rabbitmq/start-local-broker.sh

echo "[demo] building mofa-sync"
dotnet build src/Mofa.Sync.Host -c Release -o .artifacts/mofa-sync -nologo -v quiet -clp:ErrorsOnly
mofa() { dotnet .artifacts/mofa-sync/mofa-sync.dll "$@" --setting Store:Sqlite:Path=./data/demo-mirror.db; }

rm -f ./data/demo-mirror.db ./data/demo-mirror.db-wal ./data/demo-mirror.db-shm

echo "[demo] declaring the exchange, the agents' queues and bindings"
mofa topology

echo "[demo] publishing samples/term-start.jsonl as the bridge would"
mofa publish samples/term-start.jsonl

echo "[demo] running the service until the queues are drained"
mofa run --until-idle 3

echo "[demo] the mirror:"
mofa mirror show
echo
echo "[demo] as JSON for other services: dotnet .artifacts/mofa-sync/mofa-sync.dll mirror export --json --setting Store:Sqlite:Path=./data/demo-mirror.db"
