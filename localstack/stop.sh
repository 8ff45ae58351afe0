#!/usr/bin/env bash
# Stops the emulators start.sh started.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
for name in localstack moto digitalocean; do
  pidfile="$IAC_EMULATOR_RUN/$name.pid"
  if [[ -f "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null && echo "stopped $name"
    rm -f "$pidfile"
  fi
done
