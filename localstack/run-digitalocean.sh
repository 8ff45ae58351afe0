#!/usr/bin/env bash
# run-digitalocean.sh PORT [ARGS...]: builds (if needed) and runs the DigitalOcean API
# emulator of this workspace in the foreground. Point iac at it with
# DIGITALOCEAN_API_URL=http://127.0.0.1:PORT and any DIGITALOCEAN_TOKEN.
set -euo pipefail
cd "$(dirname "$0")/.."
port="$1"
shift
exec cargo run --quiet --locked --bin do-emulator -- --port "$port" "$@"
