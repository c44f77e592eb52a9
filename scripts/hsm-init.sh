#!/usr/bin/env bash
# Creates a SoftHSM2 token for Keystead's co-signer (Key #3) and recovery key.
#
#   bash scripts/hsm-init.sh                       # token "keystead" under .data/softhsm
#   eval "$(bash scripts/hsm-init.sh)"             # ... and export SOFTHSM2_CONF in this shell
#   SOFTHSM_DIR=/var/lib/keystead/softhsm HSM_PIN=... HSM_SO_PIN=... bash scripts/hsm-init.sh
#
# Environment:
#   SOFTHSM_DIR      where softhsm2.conf and tokens/ live        (default .data/softhsm)
#   HSM_TOKEN_LABEL  token label, 1-32 of [A-Za-z0-9._-]         (default keystead)
#   HSM_PIN          user PIN the server logs in with            (dev default, with a notice)
#   HSM_SO_PIN       security-officer PIN (token administration) (dev default, with a notice)
#
# Idempotent: an existing token with the label is left untouched. Notices go to stderr; stdout
# is exactly one `export SOFTHSM2_CONF=...` line, so the output can be eval'd.
# The dev PIN default must match server/cosigner/config.ts (DEV_HSM_PIN).
set -euo pipefail
cd "$(dirname "$0")/.."

note() { echo "hsm-init: $*" >&2; }
fail() { echo "hsm-init: ERROR: $*" >&2; exit 1; }

command -v softhsm2-util >/dev/null 2>&1 \
  || fail "softhsm2-util not found. Install SoftHSM2: apt-get install -y softhsm2 (or: bash scripts/setup.sh --test)"

label="${HSM_TOKEN_LABEL:-keystead}"
[[ "$label" =~ ^[A-Za-z0-9._-]{1,32}$ ]] || fail "HSM_TOKEN_LABEL must be 1-32 characters of A-Z a-z 0-9 . _ -"

if [ -z "${HSM_PIN:-}" ]; then
  HSM_PIN="keystead-dev-pin"
  note "NOTICE: HSM_PIN not set; using the development PIN. Set HSM_PIN for anything but local development."
fi
if [ -z "${HSM_SO_PIN:-}" ]; then
  HSM_SO_PIN="keystead-dev-so-pin"
  note "NOTICE: HSM_SO_PIN not set; using the development SO PIN. Set HSM_SO_PIN for anything but local development."
fi
# SoftHSM accepts PINs of 4 to 255 bytes.
for pin_name in HSM_PIN HSM_SO_PIN; do
  value="${!pin_name}"; len=${#value}
  { [ "$len" -ge 4 ] && [ "$len" -le 255 ]; } || fail "$pin_name must be 4 to 255 characters"
done

dir="${SOFTHSM_DIR:-.data/softhsm}"
mkdir -p "$dir/tokens"
dir="$(cd "$dir" && pwd -P)"   # SoftHSM needs an absolute tokendir
chmod 700 "$dir" "$dir/tokens"
conf="$dir/softhsm2.conf"

if [ ! -f "$conf" ]; then
  cat >"$conf" <<EOF
# SoftHSM2 configuration written by Keystead's scripts/hsm-init.sh
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
  note "wrote $conf"
fi
export SOFTHSM2_CONF="$conf"

# `--show-slots` pads labels to 32 characters: match the whole trimmed label.
if softhsm2-util --show-slots 2>/dev/null | grep -Eq "^[[:space:]]*Label:[[:space:]]+${label//./\\.}[[:space:]]*$"; then
  note "token \"$label\" already exists in $dir/tokens; left as is"
else
  softhsm2-util --init-token --free --label "$label" --so-pin "$HSM_SO_PIN" --pin "$HSM_PIN" >/dev/null \
    || fail "softhsm2-util --init-token failed for label \"$label\""
  note "initialised token \"$label\" in $dir/tokens"
fi

echo "export SOFTHSM2_CONF=$conf"
