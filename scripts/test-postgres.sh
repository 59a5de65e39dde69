#!/usr/bin/env bash
# The test suite against a real PostgreSQL server (Django's database in production).
#
# Starts Debian's PostgreSQL (installed by `scripts/bootstrap.sh --test`) as a throwaway
# cluster: data and socket in a temp folder, a free port on 127.0.0.1, trust auth, owned
# by the `postgres` user because PostgreSQL refuses to run as root. Runs pytest with
# DATABASE_URL pointing at it, over the apps' tests (accounts, gallery, shortlinks,
# imageplatform: where Django's database is used; browser tests excluded: they test pages;
# the package, IAM, CI/CD and devstack suites never touch the database),
# and stops the server and removes the folder on exit, whatever happened.
# With DATABASE_URL already set to a postgres:// URL, uses that server instead.
# Extra pytest args: PYTEST_ARGS="-k upload".
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  echo "==> using the PostgreSQL server of DATABASE_URL"
  exec .venv/bin/python -m pytest ${PYTEST_XDIST:-} -m "not browser" ${PG_TEST_PATHS:-accounts gallery shortlinks imageplatform} ${PYTEST_ARGS:-}
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

dir=$(mktemp -d "${TMPDIR:-/tmp}/imageplatform-pg.XXXXXX")
chmod 755 "$dir"
[ "${#as_pg[@]}" = 0 ] || chown postgres "$dir"
port=$(.venv/bin/python -c 'from devstack.servers import free_port; print(free_port())')

stop() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT INT TERM

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: a throwaway test cluster does not need to survive a power cut, and is faster.
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start \
  >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
"${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres imageplatform

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/imageplatform"
echo "==> PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
.venv/bin/python -m pytest ${PYTEST_XDIST:-} -m "not browser" ${PG_TEST_PATHS:-accounts gallery shortlinks imageplatform} ${PYTEST_ARGS:-}
