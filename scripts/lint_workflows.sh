#!/usr/bin/env bash
# Lints the GitHub Actions workflows offline (`make lint` calls it):
#   1. check-jsonschema against its vendored GitHub workflow schema (no download);
#   2. zizmor --offline (the security audit of workflows), failing on any finding above low.
# Both are installed once, at pinned versions, into .venv-lint (git-ignored, like every
# .venv-*), and reinstalled when the pins below change.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK_JSONSCHEMA_VERSION=0.39.0
ZIZMOR_VERSION=1.32.0

venv=.venv-lint
stamp=$venv/.installed
want="check-jsonschema==$CHECK_JSONSCHEMA_VERSION zizmor==$ZIZMOR_VERSION"
if [ ! -x "$venv/bin/zizmor" ] || [ ! -x "$venv/bin/check-jsonschema" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  py=""
  for cand in python3.13 python3.12 python3.11 python3.10 python3; do
    if p=$(command -v "$cand" 2>/dev/null) && "$p" -c 'import sys, venv; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      py=$p; break
    fi
  done
  [ -n "$py" ] || { echo "error: the workflow linters need Python >= 3.10" >&2; exit 1; }
  echo "==> installing $want into $venv"
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  # shellcheck disable=SC2086 # $want is two requirement specifiers
  "$venv/bin/python" -m pip install -q --disable-pip-version-check $want 2>&1 | grep -v -e '^WARNING: Location' -e '^$' || true
  [ -x "$venv/bin/zizmor" ] && [ -x "$venv/bin/check-jsonschema" ] || { echo "error: the workflow linters did not install" >&2; exit 1; }
  echo "$want" >"$stamp"
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
[ ${#workflows[@]} -gt 0 ] || { echo "error: no workflow in .github/workflows" >&2; exit 1; }

echo "==> check-jsonschema (GitHub workflow schema): ${#workflows[@]} files"
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"

echo "==> zizmor --offline (findings of medium severity or above fail)"
"$venv/bin/zizmor" --offline --no-progress --min-severity medium .github/workflows
