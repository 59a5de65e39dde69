#!/usr/bin/env bash
# Rendition benchmark: (1) the platform's pipeline alone, (2) side by side with sharp through
# the shared harness, then the ratios against sharp-cascade with PASS/FAIL per target.
#   bash bench/run.sh                          # full run (about 12+ minutes on 2 cores)
#   BENCH_ARGS="--runs 1 --images 'corpus/K*'" bash bench/run.sh     # quick look
#   make bench BENCH_ARGS="--runs 1"
# Env: SHARED_BENCH (default: <repo>/../shared/bench), BENCH_WORK (the harness's work folder,
# default ~/.cache/rendition-bench), PIPELINE_RUNS (default 3), SKIP_PIPELINE=1.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$REPO/../shared/bench}
WORK=${BENCH_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/rendition-bench}
PY=$REPO/.venv/bin/python
[ -d "$SHARED_BENCH" ] || { echo "shared harness not found at $SHARED_BENCH (set SHARED_BENCH)" >&2; exit 1; }

# The corpus (20 real photos from Debian wallpaper packages) is built by the harness itself.
if [ ! -f "$WORK/corpus/corpus.json" ]; then
  echo "== building the harness's photo corpus in $WORK" >&2
  mkdir -p "$WORK"
  cp "$SHARED_BENCH"/*.py "$WORK"/
  (cd "$WORK" && { apt-get update -qq || true; } && "$PY" make_corpus.py >/dev/null)
fi

if [ "${SKIP_PIPELINE:-0}" != 1 ]; then
  echo "== 1. the platform pipeline alone"
  "$PY" "$REPO/bench/pipeline.py" "$WORK/corpus" --runs "${PIPELINE_RUNS:-3}"
fi

echo "== 2. side by side with sharp (shared harness)"
NAME=platform
eval "set -- ${BENCH_ARGS:-} \"\$@\""   # BENCH_ARGS may hold quoted globs
PLATFORM_ENGINE=bench.engine:render PLATFORM_PATH="$REPO" PLATFORM_PYTHON="$PY" \
  BENCH_WORK="$WORK" bash "$SHARED_BENCH/run.sh" --name "$NAME" "$@"

echo "== 3. platform against sharp-cascade"
"$PY" "$REPO/bench/compare.py" "$WORK/results/$NAME.json"
