#!/usr/bin/env bash
# The whole test suite: unit + API tests (vitest), then end-to-end tests in Chromium
# (Playwright) against a production build. Uses PostgreSQL when TEST_DATABASE_URL /
# E2E_DATABASE_URL are set (CI), embedded PGlite otherwise. Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p test-results
rm -f test-results/vitest.json test-results/process.json test-results/e2e.json
status=0
failed_steps=()
step_failed() { status=1; failed_steps+=("$1 (exit $2)"); }

echo "==> typecheck"
npx tsc --noEmit || step_failed typecheck $?

echo "==> unit and API tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || step_failed vitest $?

echo "==> production build"
if npx next build >test-results/build.log 2>&1; then
  echo "==> bundle size (bench/first-load-js.mjs; figures only, see bench/README.md)"
  node bench/first-load-js.mjs || true
  echo "==> process-level tests (the built server killed and restarted; vitest.process.config.mts)"
  npx vitest run --config vitest.process.config.mts --reporter=default --reporter=json --outputFile.json=test-results/process.json || step_failed 'process tests' $?
  echo "==> end-to-end tests (Playwright, Chromium)"
  npx playwright test || step_failed playwright $?
else
  cat test-results/build.log
  step_failed 'next build' 1
fi

node scripts/summarize-tests.mjs test-results/vitest.json test-results/process.json test-results/e2e.json || step_failed summary $?
[ ${#failed_steps[@]} -eq 0 ] || echo "FAILED steps: ${failed_steps[*]}"
exit $status
