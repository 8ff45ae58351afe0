# Shared settings for the emulator scripts. Sourced, not run.
# Everything installed lives outside the clone, so repeated runs on one machine reuse it.
IAC_EMULATOR_HOME="${IAC_EMULATOR_HOME:-$HOME/.cache/iac-emulators}"
IAC_EMULATOR_VENV="$IAC_EMULATOR_HOME/venv"
IAC_EMULATOR_RUN="$IAC_EMULATOR_HOME/run"
LOCALSTACK_PORT="${LOCALSTACK_PORT:-4566}"
MOTO_PORT="${MOTO_PORT:-5000}"
# Pins measured to work with Python 3.11 and without Docker (see README.md in this folder).
EMULATOR_PACKAGES=(
  "localstack-core==4.13.1"
  "cbor2<6"
  "pyopenssl==25.3.0"
  "cryptography>=45.0.7,<47"
  "service_identity"
  "moto[server]==5.1.22"
)
