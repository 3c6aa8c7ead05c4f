#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian's Chromium, nginx and PostgreSQL, npm packages,
# the verified model files), then runs every suite. Stops at the first failing suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip NEXT_TELEMETRY_DISABLED=1

bash server/install-system-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash server/rebuild-addon-if-stale.sh
npm run --silent setup:models

suites=(typecheck lint test:unit test:contract test:e2e test:e2e:rekognition test:hardening smoke:deploy smoke:multihost smoke:fresh-clone)
passed=0
for suite in "${suites[@]}"; do
  started=$SECONDS
  echo "::: $suite"
  if npm run --silent "$suite"; then
    passed=$((passed + 1))
    echo "::: $suite passed in $((SECONDS - started)) s"
  else
    echo "::: $suite FAILED after $((SECONDS - started)) s"
    echo "run-all: $passed passed, 1 failed"
    exit 1
  fi
done
echo "run-all: $passed passed, 0 failed"
