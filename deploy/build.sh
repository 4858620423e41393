#!/usr/bin/env bash
# Installs dependencies (idempotent) and builds the server, tools and web client.
# Usage: deploy/build.sh [preset]   (default: release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=${1:-release}
"$root/deploy/install-deps.sh"
cd "$root"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
if [ -f web-client/package.json ]; then
  (cd web-client && npm run --silent build)
fi
