#!/usr/bin/env bash
# Runs Collab on one node with its embedded defaults (sets up and builds first).
# Arguments go to the server, e.g. ./run.sh --urls http://0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")"
export COLLAB_CONFIGURATION="${COLLAB_CONFIGURATION:-Release}"
scripts/setup.sh
printf '\n== Starting Collab.SyncServer\n'
# The built server runs directly (not under `dotnet run`) so SIGTERM reaches it and it shuts down gracefully.
exec dotnet "src/Collab.SyncServer/bin/$COLLAB_CONFIGURATION/net10.0/Collab.SyncServer.dll" --contentRoot src/Collab.SyncServer "$@"
