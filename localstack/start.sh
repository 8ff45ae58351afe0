#!/usr/bin/env bash
# Installs (first time) and starts LocalStack on $LOCALSTACK_PORT (4566), moto on
# $MOTO_PORT (5000) and the DigitalOcean emulator on $DIGITALOCEAN_PORT (5050) in the
# background, and waits until they answer. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
"$here/install.sh"
mkdir -p "$IAC_EMULATOR_RUN"

healthy() {
  curl -sf -o /dev/null "$1"
}

start() {
  local name="$1" url="$2"
  shift 2
  if healthy "$url"; then
    echo "$name is already running"
    return
  fi
  nohup "$@" > "$IAC_EMULATOR_RUN/$name.log" 2>&1 &
  echo $! > "$IAC_EMULATOR_RUN/$name.pid"
}

wait_for() {
  local name="$1" url="$2"
  for _ in $(seq 1 120); do
    if healthy "$url"; then
      echo "$name is up ($url)"
      return
    fi
    sleep 0.5
  done
  echo "$name did not start; see $IAC_EMULATOR_RUN/$name.log" >&2
  exit 1
}

ls_url="http://127.0.0.1:$LOCALSTACK_PORT/_localstack/health"
moto_url="http://127.0.0.1:$MOTO_PORT/moto-api/"
start localstack "$ls_url" "$here/run-localstack.sh" "$LOCALSTACK_PORT" "$IAC_EMULATOR_RUN/localstack-data"
do_url="http://127.0.0.1:$DIGITALOCEAN_PORT/emulator/health"
start moto "$moto_url" "$here/run-moto.sh" "$MOTO_PORT"
start digitalocean "$do_url" "$here/run-digitalocean.sh" "$DIGITALOCEAN_PORT"
wait_for localstack "$ls_url"
wait_for moto "$moto_url"
wait_for digitalocean "$do_url"
