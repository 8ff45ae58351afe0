#!/usr/bin/env bash
# Installs LocalStack (host mode) and moto server into a virtualenv outside the clone.
# Idempotent: a second run with the same pins does nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"

stamp="$IAC_EMULATOR_VENV/.iac-pins"
wanted="$(printf '%s\n' "${EMULATOR_PACKAGES[@]}")"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  exit 0
fi
mkdir -p "$IAC_EMULATOR_HOME"
python3 -m venv "$IAC_EMULATOR_VENV"
"$IAC_EMULATOR_VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$IAC_EMULATOR_VENV/bin/pip" install --quiet --disable-pip-version-check "${EMULATOR_PACKAGES[@]}"
printf '%s\n' "$wanted" > "$stamp"
echo "emulators installed in $IAC_EMULATOR_VENV"
