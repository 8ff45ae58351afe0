#!/usr/bin/env bash
# Starts the local emulators and plans and applies the example stack on them.
set -euo pipefail
cd "$(dirname "$0")/.."
./localstack/start.sh
cargo build --locked --bin iac
export AWS_ACCESS_KEY_ID=000000000000 AWS_SECRET_ACCESS_KEY=test AWS_REGION=eu-west-1
export AWS_ENDPOINT_URL="http://127.0.0.1:${LOCALSTACK_PORT:-4566}"
./target/debug/iac plan stacks/web-bugs
./target/debug/iac apply -auto-approve stacks/web-bugs
