#!/usr/bin/env bash
# Installs what Collab needs on a Debian/Ubuntu machine, then restores and builds.
# Idempotent: a second run checks and skips what is already there.
#   scripts/setup.sh          everything the tests need (Debian and npm packages, the whole solution); test.sh, CI
#   scripts/setup.sh server   only what ./run.sh needs: the .NET SDK and a build of Collab.SyncServer (which bundles the
#                             editor page, web/editor, when Node.js and npm are on PATH; see Collab.SyncServer.csproj)
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${COLLAB_CONFIGURATION:-Release}"
scope="${1:-all}"
step() { printf '\n== %s\n' "$*"; }

if [ "$scope" = server ]; then
  command -v dotnet >/dev/null || { echo "error: 'dotnet' is not on PATH (Collab needs the .NET 10 SDK)." >&2; exit 1; }
  step "Restoring and building Collab.SyncServer ($configuration)"
  dotnet build src/Collab.SyncServer/Collab.SyncServer.csproj -c "$configuration" -nologo -clp:NoSummary -warnaserror
  exit 0
fi

# Debian packages: kcat (Kafka debugging), redis-server (Redis relay), chromium (the editor page's browser tests, driven
# by Playwright; Playwright's own browser download is never used). librdkafka comes with Confluent.Kafka (NuGet).
debian_packages=(kcat redis-server chromium)
missing=()
for package in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  step "Installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  step "Debian packages present: ${debian_packages[*]}"
fi

for tool in dotnet node npm; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is not on PATH (Collab needs the .NET 10 SDK and Node.js 20+)." >&2; exit 1; }
done

# npm packages for the JavaScript peers the tests drive (yjs oracle, Hocuspocus and y-websocket clients).
# Reinstalled only when package-lock.json changed since the last install.
npm_install() {
  local dir="$1" stamp="$1/node_modules/.collab-lock"
  if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    step "npm packages up to date in $dir"
    return
  fi
  step "Installing npm packages in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$stamp"
}
npm_install tests/js
# The editor page's packages (Tiptap, @hocuspocus/provider, esbuild); the build of Collab.SyncServer bundles it.
npm_install web/editor

step "Restoring and building Collab.sln ($configuration)"
dotnet build Collab.sln -c "$configuration" -nologo -clp:NoSummary -warnaserror
