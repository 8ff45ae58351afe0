#!/usr/bin/env bash
# Starts the local emulators, then plans and applies the web-bugs stack on LocalStack:
# first a zone for its DNS name (the team's zone exists already; here a small stack
# makes one), then the host, its Elastic IP and name, and the snapshot bucket.
set -euo pipefail
cd "$(dirname "$0")/.."
./localstack/start.sh
cargo build --locked --bin iac
iac() { cargo run --quiet --locked --bin iac -- "$@"; }
export AWS_ACCESS_KEY_ID=000000000000 AWS_SECRET_ACCESS_KEY=test AWS_REGION=eu-west-1
export AWS_ENDPOINT_URL="http://127.0.0.1:${LOCALSTACK_PORT:-4566}"

zone="$(mktemp -d)"
cat > "$zone/main.hcl" <<'HCL'
resource "aws_route53_zone" "demo" {
  name = "demo.example.org"
}
HCL
iac apply -auto-approve "$zone"

vars=(-var environment=staging -var domain=demo.example.org
  -var "ssh_public_key=$(cat tests/tests/e2e_key.pub)")
iac plan "${vars[@]}" stacks/web-bugs
iac apply -auto-approve "${vars[@]}" stacks/web-bugs
