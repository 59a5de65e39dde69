"""Lambda sizing: peak memory and duration of the pipeline for the largest files it accepts.

    .venv/bin/python -m bench.limits            # or: make bench-limits

Each case runs in a fresh process (as a cold Lambda would) doing what an S3 event does with
a direct upload: the bytes in memory, sha256, the probe, then every named rendition (3 sizes
x JPEG + WebP) under the production limits. Peak RSS is the process's high-water mark
(ru_maxrss: the interpreter and libraries included). Cases: the worst of the committed
real-photo corpus, a 100-megapixel JPEG (GALLERY_MAX_PIXELS), a JPEG of about 50 MB
(GALLERY_MAX_UPLOAD_BYTES: noise does not compress), and a 300-frame GIF
(GALLERY_MAX_FRAMES). The README's "Lambda sizing" table comes from this.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "gallery" / "tests" / "photos"
# The benchmark's corpus of 20 real photos (2.3-24 MP), when `make bench` has built it.
CORPUS = Path(os.environ.get("BENCH_WORK", Path.home() / ".cache" / "rendition-bench")) / "corpus"
MB = 1024 * 1024

CHILD = r"""
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[2])
from gallery.workers import tune_process_memory
tune_process_memory()
from gallery import renditions
specs = {f"{s}.{f}": f"max-{s}x{s}|format-{f}|quality-{q}" for s in (2048, 1024, 320) for f, q in (("jpeg", 82), ("webp", 80))}
limits = renditions.Limits(max_bytes=50 * 1024 * 1024, max_pixels=100_000_000, max_frames=300, max_side=4096)
start = time.perf_counter()
data = open(sys.argv[1], "rb").read()
hashlib.sha256(data).hexdigest()
info = renditions.probe(data, limits)
_, outs = renditions.render(data, specs, limits)
ms = (time.perf_counter() - start) * 1000
# VmHWM, not ru_maxrss: ru_maxrss keeps the parent's high-water mark across fork and exec
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
print(json.dumps({"ms": ms, "rss_mb": rss, "w": info.width, "h": info.height, "frames": info.frames, "outputs": len(outs)}))
"""


def _noise_jpeg(path: Path, width: int, height: int, quality: int) -> None:
    import random

    from PIL import Image

    noise = random.Random(7).randbytes(width * height * 3)
    Image.frombytes("RGB", (width, height), noise).save(path, "JPEG", quality=quality)


def _smooth_jpeg(path: Path, width: int, height: int) -> None:
    from PIL import Image

    Image.linear_gradient("L").resize((width, height)).convert("RGB").save(path, "JPEG", quality=90)


def _gif(path: Path, frames: int, side: int) -> None:
    from PIL import Image, ImageDraw

    images = []
    for i in range(frames):
        frame = Image.new("RGB", (side, side), (i % 256, 40, 255 - i % 256))
        ImageDraw.Draw(frame).rectangle((i, i, i + side // 4, i + side // 4), fill=(255, 255, 0))
        images.append(frame)
    buf = io.BytesIO()
    images[0].save(buf, "GIF", save_all=True, append_images=images[1:], duration=40)
    path.write_bytes(buf.getvalue())


def measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(ROOT)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{path.name}: {out.stderr.strip().splitlines()[-1]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["bytes"] = path.stat().st_size
    return result


def main() -> None:
    rows = []
    for label, folder in (("bench corpus", CORPUS), ("test photos", PHOTOS)):
        if not folder.is_dir():
            print(f"({label}: {folder} not found; `make bench` builds it)")
            continue
        photos = sorted(p for p in folder.iterdir() if p.suffix.lower() not in (".md", ".json"))
        results = [(p.name, measure(p)) for p in photos]
        heaviest = max(results, key=lambda r: r[1]["rss_mb"])
        slowest = max(results, key=lambda r: r[1]["ms"])
        rows.append((f"{label} ({len(photos)}), heaviest: {heaviest[0][:20]}", heaviest[1]))
        if slowest[0] != heaviest[0]:
            rows.append((f"{label} ({len(photos)}), slowest: {slowest[0][:20]}", slowest[1]))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        big = tmp / "100mp.jpg"
        _smooth_jpeg(big, 10_000, 10_000)
        rows.append(("100 MP JPEG (the pixel limit)", measure(big)))
        png = tmp / "100mp.png"
        from PIL import Image

        Image.open(big).save(png, "PNG", compress_level=1)
        rows.append(("100 MP PNG (the pixel limit, no JPEG draft decode)", measure(png)))
        heavy = tmp / "50mb.jpg"
        _noise_jpeg(heavy, 5_600, 4_200, 100)
        rows.append(("noise JPEG near the byte limit", measure(heavy)))
        gif = tmp / "frames.gif"
        _gif(gif, 300, 400)
        rows.append(("300-frame GIF (the frame limit)", measure(gif)))
    print(f"{'case':52} {'bytes':>12} {'pixels':>14} {'frames':>6} {'ms':>8} {'peak RSS MB':>12}")
    for name, r in rows:
        pixels = f"{r['w']}x{r['h']}"
        print(
            f"{name:52} {r['bytes']:>12,} {pixels:>14} {r['frames']:>6} {r['ms']:>8.0f} {r['rss_mb']:>12.0f}"
        )
    peak = max(r["rss_mb"] for _, r in rows)
    slowest = max(r["ms"] for _, r in rows)
    print(f"\nworst peak RSS {peak:.0f} MB, slowest {slowest / 1000:.1f} s on this machine")


if __name__ == "__main__":
    main()
