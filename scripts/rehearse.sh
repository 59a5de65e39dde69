#!/usr/bin/env bash
# `make rehearse [STAGE=dev]`: the production deployment, rehearsed offline.
#
# 1. Builds the Lambda package (scripts/package.sh; skipped when no input changed).
# 2. Starts a throwaway PostgreSQL the way scripts/test-postgres.sh does (temp folder,
#    free port on 127.0.0.1, owned by `postgres` when run as root), but shaped like the
#    Aurora cluster: TLS on (a self-signed certificate: the app connects with
#    sslmode=require) and password authentication over TCP for a master user whose
#    random password only the database secret holds.
# 3. Runs tests/rehearsal/rehearse.py: moto in server mode for S3, DynamoDB and Secrets
#    Manager, provisioned with the stage's names; the package's Zappa handler in a fresh
#    process with the production settings; the operator's and a user's journey as events.
# Stops the server and removes the folder on exit, whatever happened. The last line is
#   rehearsal: N steps passed, F failed; M AWS calls, ...
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1
stage=${1:-${STAGE:-dev}}

if [ "${REHEARSAL_REUSE_ZIP:-0}" = 1 ] && [ -f "dist/imageplatform-$stage.zip" ]; then
  echo "==> package: reusing dist/imageplatform-$stage.zip as it is (REHEARSAL_REUSE_ZIP=1)"
else
  echo "==> package ($stage)"
  if ! out=$(bash scripts/package.sh "$stage" 2>&1); then
    echo "$out" | tail -20
    # Like tests/lambda: without the runtime's Python the package cannot be built; that
    # is a loud skip on a laptop and a failure in CI.
    if grep -q "no Python .* is installed here" <<<"$out" && [ "${CI:-}" != true ]; then
      printf '\n%s\n!! rehearsal NOT RUN: no Python for the Lambda runtime (see above)\n%s\n' \
        "$(printf '!%.0s' {1..78})" "$(printf '!%.0s' {1..78})" >&2
      exit 0
    fi
    exit 1
  fi
  echo "$out" | tail -2
fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "error: PostgreSQL is not installed (run: scripts/bootstrap.sh --test, or apt-get install postgresql)" >&2
  exit 1
fi
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_pg=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/imageplatform-rehearsal-pg.XXXXXX")
chmod 755 "$dir"
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT INT TERM

# The master user's password: made here, handed only to the database secret (via the
# environment of the driver, which puts it into emulated Secrets Manager).
REHEARSAL_DB_PASSWORD=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')
export REHEARSAL_DB_PASSWORD
printf '%s\n' "$REHEARSAL_DB_PASSWORD" >"$dir/pwfile"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1
chmod 600 "$dir/server.key" "$dir/pwfile"
[ "${#as_pg[@]}" = 0 ] || chown postgres "$dir" "$dir/server.key" "$dir/server.crt" "$dir/pwfile"

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U imageplatform --pwfile="$dir/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
      -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" start \
  >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
"${as_pg[@]}" "$bin/createdb" -h "$dir" -p "$port" -U imageplatform imageplatform
echo "==> PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (TLS, scram-sha-256)"

.venv/bin/python tests/rehearsal/rehearse.py --zip "dist/imageplatform-$stage.zip" --stage "$stage" \
  --db-port "$port" --db-user imageplatform
