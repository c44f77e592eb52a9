#!/usr/bin/env bash
# Starts the already-built app for the Playwright suite (playwright.config.ts runs this as its
# webServer). Build first: `npx next build`.
#
# Database:
#   E2E_DATABASE_URL set  -> that PostgreSQL database is wiped (schemas public + drizzle),
#                            migrated with scripts/migrate.ts, and used by the server.
#   otherwise             -> a fresh, empty PGlite data dir in a temp dir; the app migrates
#                            it itself on first use.
#
# Co-signer: a fresh SoftHSM2 token in a temp dir (scripts/hsm-init.sh).
#
# The browser must reach the app as http://localhost:PORT (WebAuthn rejects IP origins), so
# APP_ORIGIN is set to exactly that.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${E2E_PORT:-3100}"

if [ ! -f .next/BUILD_ID ]; then
  echo "e2e-server: no production build found (.next/BUILD_ID is missing)." >&2
  echo "e2e-server: run 'npx next build' first, then run the Playwright suite again." >&2
  exit 1
fi

export APP_ORIGIN="http://localhost:${PORT}"
export NODE_ENV=production
export NEXT_TELEMETRY_DISABLED=1

if [ -n "${E2E_DATABASE_URL:-}" ]; then
  echo "e2e-server: resetting PostgreSQL database ${E2E_DATABASE_URL%%\?*}" >&2
  reset_sql='drop schema if exists drizzle cascade; drop schema if exists public cascade; create schema public;'
  if command -v psql >/dev/null 2>&1; then
    psql "$E2E_DATABASE_URL" -v ON_ERROR_STOP=1 -q -c "$reset_sql" >&2
  else
    RESET_SQL="$reset_sql" node -e '
      const { Client } = require("pg");
      const c = new Client({ connectionString: process.env.E2E_DATABASE_URL });
      c.connect().then(() => c.query(process.env.RESET_SQL)).then(() => c.end())
        .catch((e) => { console.error(e.message); process.exit(1); });
    '
  fi
  export DATABASE_URL="$E2E_DATABASE_URL"
  unset PGLITE_DIR
  npx tsx scripts/migrate.ts >&2
else
  unset DATABASE_URL
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/keystead-e2e.XXXXXX")"
  export PGLITE_DIR="$tmp/pglite"
  echo "e2e-server: using a fresh PGlite database in $PGLITE_DIR" >&2
fi

# The co-signer: a fresh SoftHSM2 token per run (CI installs softhsm2; the suite needs the HSM).
hsm_dir="$(mktemp -d "${TMPDIR:-/tmp}/keystead-e2e-hsm.XXXXXX")"
export SOFTHSM_DIR="$hsm_dir" HSM_TOKEN_LABEL=keystead-e2e HSM_PIN=e2e-user-pin HSM_SO_PIN=e2e-so-pin KEYSTEAD_COSIGNER=pkcs11
eval "$(bash scripts/hsm-init.sh)"
echo "e2e-server: co-signer on SoftHSM2 token $HSM_TOKEN_LABEL ($SOFTHSM2_CONF)" >&2

# A fresh regtest chain per run. Its stdin is a pipe held open by this script (and inherited by
# next): when Playwright stops the server, even with SIGKILL, the pipe closes and the node exits.
bcoin_env="$hsm_dir/bcoin.env"
exec 3> >(NODE_BACKEND=js exec node scripts/bcoin-node.mjs --fresh --port 0 --exit-on-stdin-end >"$bcoin_env")
for _ in $(seq 1 120); do
  grep -q '^export BCOIN_PID=' "$bcoin_env" 2>/dev/null && break
  sleep 0.5
done
grep -q '^export BCOIN_PID=' "$bcoin_env" || { echo "e2e-server: the bcoin node did not start" >&2; exit 1; }
eval "$(cat "$bcoin_env")"
echo "e2e-server: bcoin regtest node at $BITCOIN_RPC_URL (pid $BCOIN_PID)" >&2
export BITCOIN_SYNC_INTERVAL_MS=2000

echo "e2e-server: starting next on ${APP_ORIGIN}" >&2
exec npx next start --port "$PORT"
