# Shared settings for the emulator scripts. Sourced, not run.
# Everything installed lives outside the clone, so repeated runs on one machine reuse it.
IAC_EMULATOR_HOME="${IAC_EMULATOR_HOME:-$HOME/.cache/iac-emulators}"
IAC_EMULATOR_RUN="$IAC_EMULATOR_HOME/run"
LOCALSTACK_VENV="$IAC_EMULATOR_HOME/localstack-venv"
MOTO_VENV="$IAC_EMULATOR_HOME/moto-venv"
CHECKOV_VENV="$IAC_EMULATOR_HOME/checkov-venv"
LOCALSTACK_PORT="${LOCALSTACK_PORT:-4566}"
MOTO_PORT="${MOTO_PORT:-5000}"
DIGITALOCEAN_PORT="${DIGITALOCEAN_PORT:-5050}"
# LocalStack without Docker: only localstack-core 4.13.1 runs on Python 3.11, with these
# pins. Its runtime brings LocalStack's own moto fork, so moto server gets a venv of its own.
LOCALSTACK_PACKAGES=(
  "localstack-core[runtime]==4.13.1"
  "cbor2<6"
  "pyopenssl==25.3.0"
  "cryptography>=45.0.7,<47"
  "service_identity"
)
# moto 5.2.x answers GetBucketVersioning with a root element aws-sdk-s3 rejects; 5.1.22 is right.
MOTO_PACKAGES=(
  "moto[server]==5.1.22"
)
# checkov, the policy scanner the plan JSON end-to-end test runs (tests/tests/checkov.rs).
CHECKOV_PACKAGES=(
  "checkov==3.3.30"
)
