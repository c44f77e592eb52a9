#!/usr/bin/env bash
# The whole test suite: unit + API tests (vitest), then end-to-end tests in Chromium
# (Playwright) against a production build. Uses PostgreSQL when TEST_DATABASE_URL /
# E2E_DATABASE_URL are set (CI), embedded PGlite otherwise. Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p test-results
rm -f test-results/vitest.json test-results/e2e.json
status=0

echo "==> typecheck"
npx tsc --noEmit || status=1

echo "==> unit and API tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

echo "==> production build"
if npx next build >test-results/build.log 2>&1; then
  echo "==> bundle size (bench/first-load-js.mjs; figures only, see bench/README.md)"
  node bench/first-load-js.mjs || true
  echo "==> end-to-end tests (Playwright, Chromium)"
  npx playwright test || status=1
else
  cat test-results/build.log
  status=1
fi

node scripts/summarize-tests.mjs test-results/vitest.json test-results/e2e.json || status=1
exit $status
