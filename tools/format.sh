#!/usr/bin/env bash
# Formats (default) or checks (--check) every C++ file the project owns with clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(-i)
if [[ "${1:-}" == "--check" ]]; then
  mode=(--dry-run -Werror)
fi
git ls-files -co --exclude-standard -- 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' \
  'bench/*.cc' 'bench/*.h' | xargs -r clang-format "${mode[@]}"
