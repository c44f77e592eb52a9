#!/usr/bin/env bash
# Stops a regtest node started by `node scripts/bcoin-node.mjs --detach`, by the PID in its pid file.
#
#   bash scripts/bcoin-stop.sh                       # pid file of the default datadir
#   bash scripts/bcoin-stop.sh /tmp/keystead-bcoin-x/bcoin-node.pid
#   BCOIN_PID_FILE=... bash scripts/bcoin-stop.sh    # as exported by bcoin-node.mjs
#
# SIGTERM lets the node close its databases (a --fresh node also deletes its temp dir); SIGKILL
# only if it has not exited after 10 s. Never matches processes by name.
set -euo pipefail
cd "$(dirname "$0")/.."

note() { echo "bcoin-stop: $*" >&2; }

pid_file="${1:-${BCOIN_PID_FILE:-.data/bcoin/bcoin-node.pid}}"
if [ ! -f "$pid_file" ]; then
  note "no pid file at $pid_file: nothing to stop."
  exit 0
fi
pid="$(tr -d '[:space:]' < "$pid_file")"
[[ "$pid" =~ ^[0-9]+$ ]] || { note "ERROR: $pid_file does not hold a PID"; exit 1; }

# Only signal the PID if it still is our node (a stale file may name a reused PID).
if ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'bcoin-node.mjs'; then
  note "pid $pid from $pid_file is not running bcoin-node.mjs: removing the stale pid file."
  rm -f "$pid_file"
  exit 0
fi

kill -TERM "$pid"
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || { note "stopped (pid $pid)."; rm -f "$pid_file"; exit 0; }
  sleep 0.1
done
note "pid $pid did not exit after 10 s: sending SIGKILL."
kill -KILL "$pid" 2>/dev/null || true
rm -f "$pid_file"
