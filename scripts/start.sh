#!/usr/bin/env bash
# Quick start: install, build and run Keystead on its embedded database (PGlite in .data/).
# Environment: PORT (default 3000); see README "Configuration" for the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PORT="${PORT:-3000}"
export APP_ORIGIN="${APP_ORIGIN:-http://localhost:$PORT}"
export NEXT_TELEMETRY_DISABLED=1
if [ -f /usr/lib/softhsm/libsofthsm2.so ]; then
  # The co-signer's keys live in a SoftHSM2 token under .data/softhsm (created once).
  bash scripts/hsm-init.sh >/dev/null
  echo "==> co-signer: SoftHSM2 token in .data/softhsm"
else
  echo "==> co-signer: no PKCS#11 library found (apt-get install softhsm2 for an HSM); using the software keystore"
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
