#!/usr/bin/env bash
# Rebuilds the engine's C addon (native/jpeg-decode) when its sources are newer than its build: npm ci
# builds it, but a checkout updated by git pull keeps the old build, which lacks newer functions (the
# engine then falls back to its slower JavaScript loops). Does nothing when the addon was never built.
set -euo pipefail
cd "$(dirname "$0")/.."
built=native/jpeg-decode/build/Release/jpeg_decode.node
[ -f "$built" ] || exit 0
if [ -n "$(find native/jpeg-decode -maxdepth 1 \( -name '*.c' -o -name '*.h' -o -name binding.gyp \) -newer "$built")" ]; then
  echo "addon: sources changed since its build; rebuilding native/jpeg-decode"
  npm rebuild cf-jpeg-decode --no-audit --no-fund >/dev/null
fi
