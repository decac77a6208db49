#!/usr/bin/env bash
# Installs what is missing on a Debian 12 machine (Debian packages, and buf from npm for the proto
# lint), then builds callmatch into build/. Safe to run again: it installs and rebuilds only what
# changed. Run as root (or with sudo) when packages are missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

packages=(
  build-essential cmake pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libhiredis-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  redis-server tzdata grpc-proto golang-github-gogo-googleapis-dev clang-format
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
# Node.js and npm may come from Debian or from elsewhere: look for the commands, not the packages.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# buf, pinned, into .tools/ (git ignores it).
buf_version=1.75.0
if ! [ -x .tools/node_modules/.bin/buf ] ||
   [ "$(.tools/node_modules/.bin/buf --version 2>/dev/null)" != "$buf_version" ]; then
  echo "setup: installing buf $buf_version from npm"
  npm install --prefix .tools --no-audit --no-fund --loglevel=error "@bufbuild/buf@$buf_version"
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
