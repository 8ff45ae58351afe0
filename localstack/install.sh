#!/usr/bin/env bash
# Installs LocalStack (host mode) and moto server, each into its own virtualenv outside
# the clone. Idempotent: a venv whose pins are unchanged is left alone.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"

install_venv() {
  local venv="$1"
  shift
  local stamp="$venv/.iac-pins"
  local wanted
  wanted="$(printf '%s\n' "$@")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    return 0
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
  printf '%s\n' "$wanted" > "$stamp"
  echo "installed $(basename "$venv") in $venv"
}

# moto's Route 53 answers wrap record values in CDATA, which real Route 53 never does
# and the Rust SDK's XML decoder skips (the values read back empty). Serve them as
# escaped text, as AWS does. Idempotent.
patch_moto_route53() {
  local responses
  responses="$("$MOTO_VENV/bin/python" -c 'import moto.route53.responses as r; print(r.__file__)')"
  sed -i 's|<Value><!\[CDATA\[{{ resource }}\]\]></Value>|<Value>{{ resource\|e }}</Value>|' "$responses"
}

mkdir -p "$IAC_EMULATOR_HOME"
install_venv "$MOTO_VENV" "${MOTO_PACKAGES[@]}" &
moto_pid=$!
install_venv "$LOCALSTACK_VENV" "${LOCALSTACK_PACKAGES[@]}"
wait "$moto_pid"
patch_moto_route53
