#!/usr/bin/env bash
# run-localstack.sh PORT DATA_DIR: runs LocalStack in host mode (no Docker) in the foreground.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
port="$1"
data="$2"
mkdir -p "$data"
export GATEWAY_LISTEN="127.0.0.1:$port" OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$data"
# Stay offline: no certificate download, no analytics, no DNS server.
export SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 DNS_ADDRESS=0 LOCALSTACK_TELEMETRY=0
exec "$LOCALSTACK_VENV/bin/python" -m localstack.runtime.main
