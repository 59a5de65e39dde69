#!/usr/bin/env bash
# `make package [STAGE=dev]`: builds dist/imageplatform-<stage>.zip with `zappa package`.
#
# - Zappa zips the virtual environment it runs in, so it runs in .venv-package, made with
#   the same Python minor version as the stage's Lambda runtime (zappa_settings.json) and
#   holding only requirements-package.txt: a package built from another Python would
#   ship the wrong Pillow binary. Only on Linux x86_64 (Lambda's architecture) for that
#   reason, since use_precompiled_packages is off and the local wheels are the ones shipped.
# - The project is copied to dist/build/<stage>/ from git's file list (tracked files and
#   untracked ones not ignored), so var/, node_modules and the .venv* folders never reach
#   Zappa; exclude_glob then drops tests, docs, terraform and Zappa's build-time tools.
# - collectstatic runs there with the production storage: the zip ships the manifest,
#   dist/static-<stage>/ holds the hashed files for the deploy to sync to the static bucket.
# - No AWS account or credentials are needed: a dummy region, and credentials are unset.
# Prints the zip and unzipped sizes and fails above Lambda's limits (50 MB / 250 MB).
# Rebuilds only when an input changed (PACKAGE_FORCE=1 rebuilds anyway).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
stage=${1:-${STAGE:-dev}}
venv=$root/.venv-package
dist=$root/dist
zip=$dist/imageplatform-$stage.zip
build=$dist/build/$stage

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "error: build the Lambda package on Linux x86_64 (this is $(uname -s)-$(uname -m)): the wheels in the zip are this machine's." >&2
  exit 1
fi

py=$(scripts/python.sh)
runtime=$("$py" - "$stage" <<'PY'
import json, sys
settings, stage = json.load(open("zappa_settings.json")), sys.argv[1]
if stage not in settings:
    sys.exit(f"error: no stage {stage!r} in zappa_settings.json (stages: {', '.join(settings)})")
conf = settings[stage]
while "runtime" not in conf and "extends" in conf:
    conf = settings[conf["extends"]]
print(conf.get("runtime", ""))
PY
)
want=${runtime#python}                          # 3.13
have=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$want" != "$have" ]; then
  for cand in "python$want" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$want"*/bin/"python$want" "/usr/bin/python$want"; do
    if real=$("$cand" -c 'import sys; print(sys.executable)' 2>/dev/null); then py=$real; have=$want; break; fi
  done
fi
if [ "$want" != "$have" ]; then
  echo "error: the $stage stage runs on $runtime, but no Python $want is installed here (found $have)." >&2
  echo "       Install Python $want (or PYTHON=/path/to/python$want) so the package gets $runtime's wheels." >&2
  exit 1
fi

# --- the packaging virtual environment (rebuilt when the requirements or Python change) --
stamp=$venv/.installed
reqhash=$( (cat requirements.txt requirements-package.txt; "$py" -VV) | sha256sum | cut -c1-16)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$reqhash" ]; then
  echo "==> creating .venv-package with $py ($runtime)"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  "$venv/bin/python" -m pip install -q -r requirements-package.txt 2>&1 | grep -v '^WARNING: Location' || true
  "$venv/bin/python" -c 'import django, PIL, pillow_heif, pynamodb, storages, psycopg, cryptography, zappa'
  # Lambda unzips with every file dated 1980, so pip's timestamp-checked .pyc files would
  # all look stale there and every cold start would compile from source (and could not
  # cache the result: /var/task is read-only). Hash-based .pyc files stay valid.
  "$venv/bin/python" -m compileall -q -f -j 0 --invalidation-mode unchecked-hash \
    "$venv"/lib/python*/site-packages >/dev/null || true
  echo "$reqhash" > "$stamp"
fi

# --- skip the build when nothing that goes into it changed -------------------------------
# (paths that exclude_glob drops anyway are not copied, so editing a test rebuilds nothing)
files=$(git ls-files --cached --others --exclude-standard \
  | grep -v -E '^(tests|docs|terraform|bench|seeds|scripts|loadtest|node_modules|\.ci|\.github)/|/tests/|\.md$' \
  | while read -r f; do [ -f "$f" ] && echo "$f"; done | sort)
inputs=$( (echo "$stage $reqhash"; sha256sum scripts/package.sh; echo "$files" | tr '\n' '\0' | xargs -0 sha256sum) | sha256sum | cut -c1-16)
if [ -f "$zip" ] && [ "$(cat "$zip.inputs" 2>/dev/null)" = "$inputs" ] && [ "${PACKAGE_FORCE:-0}" != 1 ]; then
  echo "==> $zip is up to date"
else
  echo "==> copying the project to dist/build/$stage"
  rm -rf "$build" "$dist/static-$stage" "$zip" "$zip.inputs"
  mkdir -p "$build"
  echo "$files" | tar -cf - -T - | tar -xf - -C "$build"

  echo "==> collectstatic (hashed names; the manifest ships in the zip)"
  (
    cd "$build"
    # Placeholders: collectstatic reads no secret and talks to no AWS service.
    # DJANGO_SECRETS_FROM_ENV: the explicit offline switch (no Secrets Manager here).
    env -i PATH="$PATH" HOME="$HOME" PYTHONDONTWRITEBYTECODE=1 DJANGO_SETTINGS_MODULE=imageplatform.settings.production \
      DJANGO_SECRETS_FROM_ENV=true DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:///:memory: \
      PUBLIC_ORIGIN=https://unused.invalid GALLERY_BUCKET=unused GALLERY_TABLE=unused SHORTLINKS_TABLE=unused \
      "$venv/bin/python" manage.py collectstatic --noinput -v 0
  )
  cp -r "$build/staticfiles" "$dist/static-$stage"
  # The files themselves are served by CloudFront from the static bucket: keep the manifest.
  find "$build/staticfiles" -mindepth 1 ! -name staticfiles.json -delete

  "$venv/bin/python" -m compileall -q -f -j 0 --invalidation-mode unchecked-hash "$build" >/dev/null

  echo "==> zappa package $stage"
  (
    cd "$build"
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
      VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 \
      AWS_EC2_METADATA_DISABLED=true \
      "$venv/bin/zappa" package "$stage" -o "$zip" 2>&1 | grep -v -e '^WARNING: Location' -e 'tqdm' || true
  )
  [ -f "$zip" ] || { echo "error: zappa package did not write $zip" >&2; exit 1; }
  echo "$inputs" > "$zip.inputs"
fi

"$venv/bin/python" - "$zip" <<'PY'
import os, sys, zipfile
path = sys.argv[1]
zipped = os.path.getsize(path)
with zipfile.ZipFile(path) as z:
    unzipped = sum(i.file_size for i in z.infolist())
    count = len(z.infolist())
mb = lambda n: n / 1_000_000
print(f"==> {os.path.relpath(path)}: {mb(zipped):.1f} MB zipped (limit 50 MB), "
      f"{mb(unzipped):.1f} MB unzipped (limit 250 MB), {count} files")
if zipped > 50 * 1024 * 1024 or unzipped > 250 * 1024 * 1024:
    sys.exit("error: the package is over Lambda's limits")
PY
