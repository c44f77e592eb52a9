#!/usr/bin/env bash
# Installs what Keystead needs on a fresh Debian machine with Node 20 + npm 11.
#   bash scripts/setup.sh          npm packages only (enough for the embedded quick start)
#   bash scripts/setup.sh --test   also Debian's Chromium, PostgreSQL, SoftHSM2, poppler, zbar and Electrum for the tests
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--test" ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
  [ -f /usr/lib/softhsm/libsofthsm2.so ] || need+=(softhsm2)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
  command -v electrum >/dev/null 2>&1 || need+=(electrum)
  if [ ${#need[@]} -gt 0 ]; then
    echo "==> apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

# Reinstall only when the lockfile changed since the last install.
stamp=node_modules/.keystead-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
