#!/usr/bin/env bash
# The whole test suite: sets up what it needs (scripts/setup.sh), then runs every test in Collab.sln.
# Exits non-zero on any failure. Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Kafka").
# Longer runs: COLLAB_FUZZ_SCENARIOS=20000 ./test.sh (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
export COLLAB_CONFIGURATION="${COLLAB_CONFIGURATION:-Release}"
scripts/setup.sh

printf '\n== Running the tests\n'
dotnet test Collab.sln -c "$COLLAB_CONFIGURATION" --no-build -nologo \
  --blame-hang-timeout 10m \
  "$@"
