#!/usr/bin/env bash
# Rebuilds the engine's C addon (native/image-kernels) when its sources are newer than its build: npm ci
# builds it, but a checkout updated by git pull keeps the old build, which lacks newer functions (the
# engine then falls back to its slower JavaScript loops). Does nothing when the addon was never built.
set -euo pipefail
cd "$(dirname "$0")/.."
built=native/image-kernels/build/Release/image_kernels.node
[ -f "$built" ] || exit 0
if [ -n "$(find native/image-kernels -maxdepth 1 \( -name '*.c' -o -name '*.h' -o -name binding.gyp \) -newer "$built")" ]; then
  echo "addon: sources changed since its build; rebuilding native/image-kernels"
  npm rebuild cf-image-kernels --no-audit --no-fund >/dev/null
fi
