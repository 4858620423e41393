#!/usr/bin/env bash
# The README's second command: installs, builds with the `ci` preset (warnings are errors), and
# runs every test (C++ unit, integration, crash and kill tests, the web client's unit tests and
# its end-to-end tests in Chromium), all under ctest; then the fuzz smoke (every libFuzzer target for 60 s, in a separate clang
# build: tests/fuzz/README.md). Benchmarks and the load generator are built but run by hand
# (see tests/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh" ci
cd "$root"
ctest --preset ci -j "$(nproc)" "$@"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"
ctest --preset fuzz -j "$(nproc)"
