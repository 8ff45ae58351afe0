#!/usr/bin/env bash
# The whole test suite: installs the emulators on first use, builds everything (the
# end-to-end tests run the built `iac` binary), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./localstack/install.sh
cargo build --workspace --all-targets --locked
cargo test --workspace --locked --no-fail-fast
