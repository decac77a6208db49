#!/usr/bin/env bash
# Quick-start command (2): installs what is missing, builds, runs the lint checks and the whole
# test suite with ctest, and ends with ctest's summary. .ci/run runs this.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

deploy/setup.sh
deploy/lint.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure --timeout 600 -j"$jobs"
