#!/usr/bin/env bash
# Quick start: install, build and run Keystead on its embedded database (PGlite in .data/).
# Environment: PORT (default 3000); see README "Configuration" for the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PORT="${PORT:-3000}"
export APP_ORIGIN="${APP_ORIGIN:-http://localhost:$PORT}"
export NEXT_TELEMETRY_DISABLED=1
# `next start` runs with NODE_ENV=production, where the co-signer wants an explicit PIN and refuses
# the software keystore unless allowed: the quick start opts in to both, saying so.
if [ -f /usr/lib/softhsm/libsofthsm2.so ]; then
  # The co-signer's keys live in a SoftHSM2 token under .data/softhsm (created once).
  export HSM_PIN="${HSM_PIN:-keystead-dev-pin}" HSM_SO_PIN="${HSM_SO_PIN:-keystead-dev-so-pin}"
  eval "$(bash scripts/hsm-init.sh 2>/dev/null)"
  echo "==> co-signer: SoftHSM2 token in .data/softhsm (development PIN unless HSM_PIN is set)"
else
  export KEYSTEAD_COSIGNER="${KEYSTEAD_COSIGNER:-software}" KEYSTEAD_ALLOW_SOFTWARE_COSIGNER="${KEYSTEAD_ALLOW_SOFTWARE_COSIGNER:-1}"
  echo "==> co-signer: no PKCS#11 library found (apt-get install softhsm2 for an HSM)."
  echo "    Using the encrypted SOFTWARE keystore in .data/cosigner: fine for trying Keystead, not for real funds."
fi
if [ -z "${BITCOIN_RPC_URL:-}" ]; then
  # A local regtest chain (bcoin) for the quick start; the wallet page has a faucet button.
  if [ -f .data/bcoin/bcoin-node.pid ] && kill -0 "$(cat .data/bcoin/bcoin-node.pid)" 2>/dev/null; then
    bash scripts/bcoin-stop.sh >/dev/null 2>&1 || true
  fi
  eval "$(NODE_BACKEND=js node scripts/bcoin-node.mjs --detach)"
  echo "==> bitcoin: bcoin regtest node at $BITCOIN_RPC_URL (chain in .data/bcoin; stop it with bash scripts/bcoin-stop.sh)"
fi
echo "==> building"
npx next build >/tmp/keystead-build.log 2>&1 || { cat /tmp/keystead-build.log; exit 1; }
if [ -z "${DATABASE_URL:-}" ]; then
  echo "==> database: embedded PGlite in ${PGLITE_DIR:-.data/pglite} (migrated on first start)"
else
  echo "==> database: PostgreSQL; applying migrations"
  npx tsx scripts/migrate.ts
fi
echo
echo "    Keystead is starting at $APP_ORIGIN  (open it in your browser; Ctrl-C stops it)"
echo
exec npx next start --port "$PORT"
