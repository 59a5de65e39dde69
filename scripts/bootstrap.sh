#!/usr/bin/env bash
# Installs what the platform needs, idempotently and quickly when nothing changed:
#   scripts/bootstrap.sh          Python venv (.venv) + npm packages for the local servers
#   scripts/bootstrap.sh --test   also Debian packages the tests use (chromium, postgresql, clamd)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0; [ "${1:-}" = "--test" ] && want_test=1

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {   # apt_install CHECK_CMD PACKAGE...
  local check=$1; shift
  if ! command -v "$check" >/dev/null 2>&1 && [ ! -x "$check" ]; then
    echo "==> installing Debian packages: $*"
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  fi
}

command -v node >/dev/null || apt_install node nodejs npm
if [ $want_test = 1 ]; then
  apt_install /usr/bin/chromium chromium
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install /nonexistent/initdb postgresql
fi
# clamd: the scanning tests need it; `GALLERY_SCANNER=clamd make run` starts it (docs/scanning.md).
if [ $want_test = 1 ] || [ "${GALLERY_SCANNER:-}" = clamd ]; then
  apt_install /usr/sbin/clamd clamav-daemon
fi

# Python virtual environment (Django 6 needs Python >= 3.12).
stamp=.venv/.installed
reqhash=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ] || [ "$(cat $stamp 2>/dev/null)" != "$reqhash" ]; then
  py=$(scripts/python.sh)
  echo "==> creating .venv with $py"
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -m pip install -q -r requirements-dev.txt 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c 'import django, PIL, pynamodb, storages, pillow_heif, pytest' # fail loudly if pip failed
  echo "$reqhash" > $stamp
fi

# npm packages: the DynamoDB- and S3-compatible local servers.
if [ ! -d node_modules/dynalite ] || [ ! -d node_modules/s3rver ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (dynalite, s3rver)"
  npm ci --no-audit --no-fund --silent
fi
