"""Upload a collectstatic output to the static bucket with the right cache headers.

    python scripts/ci_static_upload.py dist/static-dev --bucket BUCKET [--prefix static/]

Hashed names (the values of staticfiles.json) never change content: they are cached for a
year and marked immutable. Everything served under a fixed name (the originals of hashed
files and any file outside the manifest) gets a short max-age, and the deploy invalidates
those whose content changed (scripts/cdn_invalidation.py). Hashed files go up first, so a
fixed-name file never points at a hashed file that is not there yet. staticfiles.json
itself ships in the Lambda zip and is not uploaded. Nothing is deleted: pages already in
browsers may still ask for the previous hashed names.

Credentials come from the environment (the deploy role in CI); prints what it uploaded.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MANIFEST_NAME = "staticfiles.json"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def classify(static_dir: Path) -> tuple[list[str], list[str]]:
    """(hashed names, fixed names) of the files under static_dir, sorted."""
    manifest_file = static_dir / MANIFEST_NAME
    if not manifest_file.is_file():
        raise SystemExit(f"error: {manifest_file} not found")
    hashed_names = set((json.loads(manifest_file.read_text()).get("paths") or {}).values())
    hashed, fixed = [], []
    for file in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        name = file.relative_to(static_dir).as_posix()
        if name == MANIFEST_NAME:
            continue
        (hashed if name in hashed_names else fixed).append(name)
    return hashed, fixed


def content_type(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name)
    if guessed is None:
        return "application/octet-stream"
    if guessed.startswith("text/") or guessed in (
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ):
        return f"{guessed}; charset=utf-8"
    return guessed


def upload(s3, static_dir: Path, bucket: str, prefix: str, *, workers: int = 8) -> dict[str, int]:
    hashed, fixed = classify(static_dir)
    prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def put(name: str, cache_control: str) -> None:
        s3.put_object(
            Bucket=bucket,
            Key=prefix + name,
            Body=(static_dir / name).read_bytes(),
            ContentType=content_type(name),
            CacheControl=cache_control,
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda n: put(n, IMMUTABLE), hashed))  # all of them before any fixed name
        list(pool.map(lambda n: put(n, SHORT), fixed))
    return {"hashed": len(hashed), "fixed": len(fixed)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("static_dir", type=Path)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", default="static/", help="key prefix CloudFront serves as /static/")
    args = parser.parse_args(argv)

    import boto3

    counts = upload(boto3.client("s3"), args.static_dir, args.bucket, args.prefix)
    print(
        f"uploaded {counts['hashed']} hashed files (immutable) and {counts['fixed']} fixed-name files "
        f"(max-age 300) to s3://{args.bucket}/{args.prefix}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
