#!/usr/bin/env bash
# Runs Collab on one node with its embedded defaults (builds it first): http://localhost:1234, SQLite in
# src/Collab.SyncServer/data/. Arguments go to the server, e.g. ./run.sh --urls http://0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")"
export COLLAB_CONFIGURATION="${COLLAB_CONFIGURATION:-Release}"
scripts/setup.sh server
printf '\n== Starting Collab.SyncServer (Ctrl+C or SIGTERM stops it)\n'
# The built server runs directly (not under `dotnet run`) so SIGTERM reaches it and it shuts down gracefully.
# The content root (where data/collab.db lives) is given as an absolute path: a relative one would resolve against
# the binary's folder.
exec dotnet "src/Collab.SyncServer/bin/$COLLAB_CONFIGURATION/net10.0/Collab.SyncServer.dll" --contentRoot "$PWD/src/Collab.SyncServer" "$@"
