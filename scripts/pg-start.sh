#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster on 127.0.0.1 and makes sure the keystead role and
# databases exist. Prints the DATABASE_URL to use. Idempotent.
set -euo pipefail
ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
if [ -z "$ver" ]; then
  echo "PostgreSQL is not installed: run 'bash scripts/setup.sh --test' first." >&2
  exit 1
fi
pg_ctlcluster "$ver" main status >/dev/null 2>&1 || pg_ctlcluster "$ver" main start
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 0.5
done
psql_su() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_su -c "select 1 from pg_roles where rolname='keystead'")" != "1" ]; then
  psql_su -c "create role keystead login password 'keystead' createdb"
fi
for db in keystead keystead_test; do
  if [ "$(psql_su -c "select 1 from pg_database where datname='$db'")" != "1" ]; then
    psql_su -c "create database $db owner keystead"
  fi
done
echo "postgres://keystead:keystead@127.0.0.1:5432/keystead"
