#!/usr/bin/env bash
# Runs Collab on one node with its embedded defaults (sets up and builds first).
# Arguments go to the server, e.g. ./run.sh --urls http://0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")"
export COLLAB_CONFIGURATION="${COLLAB_CONFIGURATION:-Release}"
scripts/setup.sh
printf '\n== Starting Collab.SyncServer\n'
exec dotnet run --project src/Collab.SyncServer -c "$COLLAB_CONFIGURATION" --no-build -- "$@"
