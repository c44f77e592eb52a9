#!/usr/bin/env bash
# Benchmarks against the production build. Usage: bash bench/run.sh [--build] [--check] [...]
#   --build   rebuild first (`npx next build`), even if .next/BUILD_ID exists
#   --check   exit 1 if any route is over its target
# Other arguments are passed on to bench/first-load-js.mjs (e.g. --target=KB).
# Opt-in: `bash bench/run.sh ceremony [...]` runs only the wallet key ceremony benchmark
# (bench/ceremony.mjs: headless Chromium vs Node; no build needed); the other arguments go to it.
# Opt-in: `bash bench/run.sh cosign` runs only the PSBT build + co-sign benchmark
# (bench/cosign.ts: SoftHSM2 and software co-signer vs raw signing; no build needed).
# Opt-in: `bash bench/run.sh policy [...]` runs only the policy evaluation latency benchmark
# (bench/policy-eval.ts: 10k whitelist, 50 rules, 100k history vs a baseline; no build needed).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "ceremony" ]; then
  shift
  exec node bench/ceremony.mjs "$@"
fi

if [ "${1:-}" = "cosign" ]; then
  shift
  exec npx tsx bench/cosign.ts "$@"
fi

if [ "${1:-}" = "policy" ]; then
  shift
  exec npx tsx bench/policy-eval.ts "$@"
fi

build=0
args=()
for a in "$@"; do
  if [ "$a" = "--build" ]; then build=1; else args+=("$a"); fi
done

if [ "$build" = 1 ] || [ ! -f .next/BUILD_ID ]; then
  echo "bench: building (npx next build)…" >&2
  NEXT_TELEMETRY_DISABLED=1 npx next build
fi

node bench/first-load-js.mjs ${args[@]+"${args[@]}"}
