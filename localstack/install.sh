#!/usr/bin/env bash
# Installs LocalStack (host mode), moto server and checkov, each into its own virtualenv
# outside the clone. Idempotent: a venv whose pins are unchanged is left alone.
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

# Where moto's answers differ from AWS's in ways the Rust SDK sees, moto is patched to
# answer as AWS does. Idempotent.
# - Route 53 record values come wrapped in CDATA, which real Route 53 never sends and
#   the SDK's XML decoder skips (the values read back empty).
# - A security group rule that references another group loses its description in
#   DescribeSecurityGroupRules.
# - The default DB parameter group is named from the engine version with its last part
#   cut off, so engine_version "8.0" gives "default.mysql8"; AWS names families by
#   major.minor (mysql8.0, mariadb10.6) and, from PostgreSQL 10, by major (postgres14).
# - RunInstances ignores its ClientToken: AWS launches one instance per token (a repeat
#   returns the first launch), records no token ("") when none is given, and
#   DescribeInstances takes a `client-token` filter, which moto answers with a 500.
# - Every DB instance gets the same DbiResourceId (`aws_db_instance.id`); AWS gives
#   each its own, and iac tells objects apart by id (a second database an interrupted
#   apply made would read as the first).
# - An application load balancer's attributes lack `idle_timeout.timeout_seconds`,
#   which AWS always returns (60 unless set).
# - Whether DescribeKeyPairs includes public keys is kept in a dictionary that every
#   request shares, so a concurrent request without IncludePublicKey drops the keys
#   from an answer that asked for them; each request gets its own copy.
# - Every listener gets an SSL policy; AWS gives one only to HTTPS and TLS listeners.
patch_moto() {
  local site
  site="$("$MOTO_VENV/bin/python" -c 'import moto, os; print(os.path.dirname(moto.__file__))')"
  sed -i 's|<Value><!\[CDATA\[{{ resource }}\]\]></Value>|<Value>{{ resource\|e }}</Value>|' \
    "$site/route53/responses.py"
  sed -i 's|        return self.ip_range.get("Description")$|        return self.ip_range.get("Description") or self.source_group.get("Description")|' \
    "$site/ec2/models/security_groups.py"
  sed -i 's|^        minor_engine_version = ".".join(str(self.engine_version).rsplit(".")\[:-1\])$|        minor_engine_version = ".".join(str(self.engine_version).split(".")[: 1 if self.engine.lower().startswith("postgres") and int(str(self.engine_version).split(".")[0]) >= 10 else 2])|' \
    "$site/rds/models.py"
  sed -i 's|^        self.dbi_resource_id = "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U"$|        self.dbi_resource_id = "db-" + random.get_random_string(length=26).upper()|' \
    "$site/rds/models.py"
  sed -i 's|"client_token": self._get_param("ClientToken", "ABCDE"),|"client_token": self._get_param("ClientToken", ""),|' \
    "$site/ec2/responses/instances.py"
  sed -i 's|^        self.RESPONSE_KEY_PATH_TO_TRANSFORMER\[response_key_path\] = \(.*\)$|        self.RESPONSE_KEY_PATH_TO_TRANSFORMER = {**self.RESPONSE_KEY_PATH_TO_TRANSFORMER, response_key_path: \1}|' \
    "$site/core/responses.py"
  sed -i 's|^        ssl_policy = self._get_param("SslPolicy", "ELBSecurityPolicy-2016-08")$|        ssl_policy = self._get_param("SslPolicy", "ELBSecurityPolicy-2016-08" if self._get_param("Protocol") in ("HTTPS", "TLS") else None)|' \
    "$site/elbv2/responses.py"
  sed -i 's|^            # "idle_timeout.timeout_seconds": "60",  # commented out for TF compatibility$|            **({"idle_timeout.timeout_seconds": "60"} if self.type == "application" else {}),|' \
    "$site/elbv2/models.py"
  grep -q '"client-token": "client_token",' "$site/ec2/utils.py" ||
    sed -i 's|^    "key-name": "key_name",$|    "key-name": "key_name",\n    "client-token": "client_token",|' \
      "$site/ec2/utils.py"
  grep -q 'iac: one launch per client token' "$site/ec2/models/instances.py" ||
    sed -i 's|^        location_type = "availability-zone" if kwargs.get("placement") else "region"$|        # iac: one launch per client token, as in AWS.\n        if kwargs.get("client_token"):\n            for reservation in self.reservations.values():\n                if any(i.client_token == kwargs["client_token"] for i in reservation.instances):\n                    return reservation\n&|' \
      "$site/ec2/models/instances.py"
}

mkdir -p "$IAC_EMULATOR_HOME"
install_venv "$MOTO_VENV" "${MOTO_PACKAGES[@]}" &
moto_pid=$!
install_venv "$CHECKOV_VENV" "${CHECKOV_PACKAGES[@]}" &
checkov_pid=$!
install_venv "$LOCALSTACK_VENV" "${LOCALSTACK_PACKAGES[@]}"
wait "$moto_pid"
wait "$checkov_pid"
patch_moto
