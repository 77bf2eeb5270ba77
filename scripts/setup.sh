#!/usr/bin/env bash
# Installs everything Collab needs on a Debian/Ubuntu machine, then restores and builds the solution.
# Idempotent: a second run checks and skips what is already there. Used by run.sh, test.sh and CI.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${COLLAB_CONFIGURATION:-Release}"
step() { printf '\n== %s\n' "$*"; }

# Debian packages: librdkafka (Kafka client and test cluster), kcat (Kafka debugging), redis-server (Redis relay).
debian_packages=(librdkafka-dev kcat redis-server)
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

step "Restoring and building Collab.sln ($configuration)"
dotnet build Collab.sln -c "$configuration" -nologo -clp:NoSummary -warnaserror
