#!/usr/bin/env bash
# The README's run command: installs, fetches the models, builds a demo gallery from ../shared/datasets
# when the gallery is empty and the photos are there, builds the app and serves it on PORT (3000).
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip NEXT_TELEMETRY_DISABLED=1
datasets="${DATASETS_DIR:-../shared/datasets}"

[ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || npm ci --no-audit --no-fund
bash scripts/rebuild-addon-if-stale.sh
npm run --silent setup:models
gallery="${GALLERY_PATH:-${DATA_DIR:-./data}/gallery}"
if [ ! -e "$gallery" ] && [ -d "$datasets/lfw/images_deepfunneled" ] && [ "${SKIP_DEMO_GALLERY:-0}" != 1 ]; then
  echo "gallery: empty — importing the demo gallery from $datasets/lfw (13,233 photos, a few minutes; SKIP_DEMO_GALLERY=1 skips)"
  npm run --silent gallery:import -- "$datasets/lfw/images_deepfunneled" --imdb "$datasets/imdb/hollywood_actor_rankings.csv"
  # LFW predates e.g. Barack Obama: add the people of the raw sets too (links only, the photos stay in place).
  people="$(dirname "$gallery")/demo-people"
  npm run --silent gallery:link-raw -- "$people" --datasets "$datasets"
  npm run --silent gallery:import -- "$people" --imdb "$datasets/imdb/hollywood_actor_rankings.csv"
fi
npm run --silent build
# The start script waits for the models to load before it listens, then prints where it is ready.
exec npm run --silent start
