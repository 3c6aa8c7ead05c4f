#!/usr/bin/env bash
# The README's run command: installs, fetches the models, builds the app and serves it on PORT (3000).
# Whom it recognizes ships in packs/celebrities (no import step); `npm run gallery:import` adds your own people.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip NEXT_TELEMETRY_DISABLED=1

# Videos are decoded with Debian's ffmpeg (docs/video.md); photos need nothing from the system.
bash server/install-system-deps.sh ffmpeg
[ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || npm ci --no-audit --no-fund
bash server/rebuild-addon-if-stale.sh
npm run --silent setup:models
npm run --silent build
# The start script waits for the models to load before it listens, then prints where it is ready.
exec npm run --silent start
