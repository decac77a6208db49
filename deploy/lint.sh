#!/usr/bin/env bash
# The lint checks: buf lint over the public API, and clang-format over every C++ and proto file.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

echo "lint: buf lint proto/"
.tools/node_modules/.bin/buf lint

echo "lint: clang-format"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
    '*.cc' '*.h' '*.proto')
else
  mapfile -t files < <(find . -path ./build -prune -o -path ./.tools -prune -o \
    \( -name '*.cc' -o -name '*.h' -o -name '*.proto' \) -print)
fi
clang-format --dry-run -Werror "${files[@]}"
echo "lint: ok (${#files[@]} files formatted)"
