#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 interpreter (Django 6 needs it), preferring 3.13.
# A command that exists but does not run (a pyenv shim for a version that is not selected)
# does not count; pyenv's own version folders are tried next; Debian's packages last.
set -euo pipefail
ok() { "$1" -c 'import sys, ssl, sqlite3; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for cmd in ${PYTHON:-} python3.13 python3.12; do
  [ -n "$cmd" ] || continue
  if p=$(command -v "$cmd" 2>/dev/null) && ok "$p"; then
    # resolve pyenv shims to the real interpreter so the venv does not depend on the shim
    real=$("$p" -c 'import sys; print(sys.executable)'); echo "$real"; exit 0
  fi
done
for p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13 \
         "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 \
         /usr/bin/python3.13 /usr/bin/python3.12 /usr/local/bin/python3.13 /usr/local/bin/python3.12; do
  if [ -x "$p" ] && ok "$p"; then echo "$p"; exit 0; fi
done
echo "No Python 3.12 or 3.13 found. Install one (e.g. 'apt-get install python3.13 python3.13-venv' or pyenv) or set PYTHON=/path/to/python3.x" >&2
exit 1
