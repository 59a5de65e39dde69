#!/usr/bin/env bash
# `make test`: the whole suite. Unit tests (moto), integration tests (dynalite + s3rver,
# started by a session fixture), browser tests (Debian's chromium via Playwright), the
# rehearsal (scripts/rehearse.sh), a short load test, then the Terraform checks when
# terraform is installed.
# Extra pytest args: PYTEST_ARGS="-k upload".
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1
# Both cores: tests of one file stay on one worker (the Lambda package is built once).
export PYTEST_XDIST=${PYTEST_XDIST:--n 2 --dist loadfile}

echo "==> pytest (SQLite)"
.venv/bin/python -m pytest $PYTEST_XDIST ${PYTEST_ARGS:-}

if [ -f scripts/test-postgres.sh ]; then
  echo "==> pytest (PostgreSQL)"
  bash scripts/test-postgres.sh
fi

echo "==> rehearsal (the package, production settings, emulated AWS, PostgreSQL)"
bash scripts/rehearse.sh

echo "==> load test, short (make load runs the long one)"
LOAD_TIME=${LOAD_TIME:-30s} LOAD_USERS=${LOAD_USERS:-8} bash scripts/load.sh

if command -v terraform >/dev/null 2>&1 && [ -f terraform/scripts/check.sh ]; then
  echo "==> terraform checks"
  bash terraform/scripts/check.sh
else
  echo "==> terraform not installed: skipping the Terraform checks"
fi
