#!/usr/bin/env bash
# From a fresh clone: install everything (apt + npm), start PostgreSQL on 127.0.0.1, prove that
# migrations apply from scratch on both engines, then run the whole suite on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

echo "==> PostgreSQL"
bash scripts/pg-start.sh >/dev/null
PG=postgres://keystead:keystead@127.0.0.1:5432
runuser -u postgres -- psql -qtA -c "drop database if exists keystead_migrate with (force)" -c "create database keystead_migrate owner keystead" >/dev/null
runuser -u postgres -- psql -qtA -c "drop database if exists keystead_e2e with (force)" -c "create database keystead_e2e owner keystead" >/dev/null

echo "==> migrations from scratch: PostgreSQL and PGlite"
DATABASE_URL=$PG/keystead_migrate npx tsx scripts/migrate.ts
tmp=$(mktemp -d)
PGLITE_DIR=$tmp/pglite npx tsx scripts/migrate.ts
rm -rf "$tmp"

export TEST_DATABASE_URL=$PG/keystead_test
export E2E_DATABASE_URL=$PG/keystead_e2e
exec bash scripts/test.sh
