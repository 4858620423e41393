#!/usr/bin/env bash
# The README's first command: installs, builds, and starts a4pd with demo data on an embedded
# RocksDB in ./data, listening on 127.0.0.1:8080. Extra arguments go to a4pd.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh" release
cd "$root"
exec build/release/server/a4pd --data "${A4P_DATA:-$root/data}" --listen "${A4P_LISTEN:-127.0.0.1:8080}" \
  --web-root "$root/web-client/dist" --demo "$@"
