"""Ratios of the platform engine against sharp-cascade from a harness result, with PASS/FAIL.

    .venv/bin/python bench/compare.py ~/.cache/rendition-bench/results/platform.json

Targets: photos/s >= 1.25x, peak RSS <= 1/3, bytes per rendition within 2%, SSIM (each of
the 2048/1024 JPEG/WebP means) within 0.002.
"""

import json
import sys

QUALITY_KEYS = ("2048.jpg", "1024.jpg", "2048.webp", "1024.webp")


def main(path):
    with open(path) as f:
        result = json.load(f)
    rows = {r["engine"]: r for r in result["summary"]}
    if "sharp-cascade" not in rows or "platform" not in rows:
        sys.exit("the result needs both sharp-cascade and platform (run all engines)")
    base, ours = rows["sharp-cascade"], rows["platform"]
    checks = []
    speed = ours["img_per_s"] / base["img_per_s"]
    checks.append(
        (
            "photos/s ratio",
            f"{ours['img_per_s']:.2f} / {base['img_per_s']:.2f} = {speed:.2f}x",
            ">= 1.25x",
            speed >= 1.25,
        )
    )
    rss = ours["peak_rss_mb"] / base["peak_rss_mb"]
    checks.append(
        (
            "peak RSS ratio",
            f"{ours['peak_rss_mb']:.0f} / {base['peak_rss_mb']:.0f} MB = {rss:.2f}",
            "<= 0.33",
            rss <= 1 / 3,
        )
    )
    size = 100 * (ours["avg_bytes"] / base["avg_bytes"] - 1)
    checks.append(
        (
            "bytes/rendition",
            f"{ours['avg_bytes']:,.0f} vs {base['avg_bytes']:,.0f} = {size:+.2f}%",
            "within 2%",
            abs(size) <= 2,
        )
    )
    for key in QUALITY_KEYS:
        d = ours["ssim_mean"][key] - base["ssim_mean"][key]
        checks.append(
            (
                f"SSIM {key}",
                f"{ours['ssim_mean'][key]:.4f} vs {base['ssim_mean'][key]:.4f} = {d:+.4f}",
                "within 0.002",
                abs(d) <= 0.002,
            )
        )
    print(
        f"| check (platform vs sharp-cascade, {len(result['images'])} photos, {result['runs']} runs) | measured | target | |"
    )
    print("|---|---|---|---|")
    for name, measured, target, ok in checks:
        print(f"| {name} | {measured} | {target} | {'PASS' if ok else 'FAIL'} |")
    failed = [c[0] for c in checks if not c[3]]
    print("ALL PASS" if not failed else "FAIL: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
