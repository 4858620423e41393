#!/usr/bin/env bash
# The README's second command: installs, builds, and runs every test (C++ unit, integration,
# crash and kill tests, the web client's unit tests and its end-to-end tests in Chromium),
# all under ctest. Benchmarks and the load generator are built but run by hand (see
# tests/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh" release
cd "$root"
ctest --preset release -j "$(nproc)" "$@"
