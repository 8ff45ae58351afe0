#!/usr/bin/env bash
# run-moto.sh PORT: runs moto server in the foreground. Certificates are issued 3 s after their request, so waiters really wait.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
export MOTO_ACM_VALIDATION_WAIT=3
exec "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$1"
