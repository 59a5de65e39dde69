#!/usr/bin/env bash
# `make load`: mixed traffic on a throwaway local stack, then a consistency check.
#
#   scripts/load.sh                               16 users for 3 minutes
#   LOAD_TIME=30s LOAD_USERS=8 scripts/load.sh    the short version CI runs (< 2 min)
#
# Starts the local stack (devstack.run: dynalite, s3rver, Django's threaded runserver) on
# free ports with its data in a temp folder (never var/), creates a user and an API token,
# runs loadtest/locustfile.py headless against http://127.0.0.1:<port>, prints requests
# per second and p50/p95 per route, then scripts/consistency_check.py. Exits non-zero on
# any 5xx, failed response check or inconsistency. LOAD_KEEP=1 keeps the temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
LOCUST_PIN=locust==2.47.0
USERS=${LOAD_USERS:-16}
SPAWN_RATE=${LOAD_SPAWN_RATE:-4}
TIME=${LOAD_TIME:-3m}

[ -x "$PY" ] || scripts/bootstrap.sh
if ! "$PY" -c 'import locust' 2>/dev/null; then
  echo "==> installing $LOCUST_PIN into .venv"
  "$PY" -m pip install -q "$LOCUST_PIN" 2>&1 | grep -v '^WARNING: Location' || true
  "$PY" -c 'import locust'
fi

data=$(mktemp -d "${TMPDIR:-/tmp}/imageplatform-load.XXXXXX")
read -r PORT DYNALITE_PORT S3RVER_PORT < <("$PY" -c 'from devstack.servers import free_port as f; print(f(), f(), f())')
export PORT DYNALITE_PORT S3RVER_PORT VAR_DIR=$data CI=true PYTHONUNBUFFERED=1
export DJANGO_SETTINGS_MODULE=imageplatform.settings.local
export DYNAMODB_ENDPOINT_URL=http://127.0.0.1:$DYNALITE_PORT AWS_S3_ENDPOINT_URL=http://127.0.0.2:$S3RVER_PORT
export LOG_LEVEL=${LOG_LEVEL:-WARNING}   # keep the web log to warnings and errors (tracebacks)
base=http://127.0.0.1:$PORT
healthy() { "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' "$base/healthz" 2>/dev/null; }

stack=
cleanup() {
  if [ -n "$stack" ] && kill -0 "$stack" 2>/dev/null; then
    kill -TERM "$stack" 2>/dev/null || true   # devstack.run stops everything on SIGTERM
    for _ in $(seq 100); do kill -0 "$stack" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ "${LOAD_KEEP:-0}" = 1 ]; then echo "==> kept $data"; else rm -rf "$data"; fi
}
trap cleanup EXIT

echo "==> starting the local stack on $base (data in $data)"
# DEVSTACK_DIE_WITH_PARENT: if this script is killed, the whole stack goes with it.
DEVSTACK_DIE_WITH_PARENT=1 "$PY" -m devstack.run </dev/null >"$data/stack.log" 2>&1 &
stack=$!
for _ in $(seq 120); do
  healthy && break
  kill -0 "$stack" 2>/dev/null || { cat "$data/stack.log"; echo "error: the stack did not start" >&2; exit 1; }
  sleep 0.5
done
healthy || { cat "$data/stack.log"; echo "error: /healthz not ready" >&2; exit 1; }

echo "==> creating the user and API token"
export LOAD_USERNAME=loadtest
LOAD_PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
export LOAD_PASSWORD
"$PY" manage.py shell -c "
import os
from django.contrib.auth import get_user_model
User = get_user_model()
user, _ = User.objects.get_or_create(username=os.environ['LOAD_USERNAME'])
user.set_password(os.environ['LOAD_PASSWORD']); user.save()
" >/dev/null
LOAD_TOKEN=$("$PY" manage.py createtoken "$LOAD_USERNAME" --name "load test" 2>/dev/null | tail -1)
export LOAD_TOKEN

echo "==> locust: $USERS users (spawn rate $SPAWN_RATE/s) for $TIME against $base"
export LOAD_REPORT=$data/report.json
load_rc=0
"$PY" -m locust -f loadtest/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$TIME" \
  --host "$base" --only-summary --stop-timeout 30 --loglevel WARNING 2>"$data/locust.log" || load_rc=$?
if [ ! -s "$LOAD_REPORT" ]; then
  tail -30 "$data/locust.log" >&2; echo "error: locust wrote no report" >&2; exit 1
fi

# The tracebacks of any 5xx, from the web server's JSON log lines.
if grep -Eq '"level": ?"ERROR"' "$data/stack.log"; then
  echo "==> errors logged by the web server (first 3):"
  grep -E '"level": ?"ERROR"' "$data/stack.log" | head -3 | "$PY" -c '
import json, sys
for line in sys.stdin:
    try:
        entry = json.loads(line)
    except ValueError:
        print(line.rstrip()); continue
    print("--", entry.get("time"), entry.get("route") or entry.get("path"), entry.get("request_id"), entry.get("message"))
    print(entry.get("exception", ""))
'
fi

check_rc=0
"$PY" scripts/consistency_check.py || check_rc=$?

echo "==> load: locust exit $load_rc (non-zero: 5xx, connection errors or failed response checks), consistency exit $check_rc"
[ "$load_rc" = 0 ] && [ "$check_rc" = 0 ]
