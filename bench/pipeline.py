"""The platform's rendition pipeline alone over a folder of photos: photos/s and peak RSS.

    .venv/bin/python bench/pipeline.py ~/.cache/rendition-bench/corpus [--runs 3]

Same job as the side-by-side harness (6 renditions per photo through bench.engine), timed
in this process: median per photo over the runs after one warm-up round.
"""

import argparse
import glob
import os
import resource
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.engine import render  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    photos = sorted(p for p in glob.glob(os.path.join(args.corpus, "*")) if not p.endswith((".json", ".md")))
    if not photos:
        sys.exit(f"no photos in {args.corpus}")
    times = {p: [] for p in photos}
    with tempfile.TemporaryDirectory() as out:
        for run in range(args.runs + 1):
            for p in photos:
                t0 = time.perf_counter()
                render(p, out, os.path.splitext(os.path.basename(p))[0])
                if run:
                    times[p].append(time.perf_counter() - t0)
    total = sum(statistics.median(v) for v in times.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"platform pipeline alone: {len(photos)} photos, median of {args.runs} runs: "
        f"{1000 * total / len(photos):.0f} ms/photo, {len(photos) / total:.2f} photos/s, "
        f"peak RSS {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
