"""CloudFront invalidation of the static paths whose content changed, and nothing else.

collectstatic (ManifestStaticFilesStorage) writes every file twice: under a hashed name
(``css/site.3f2a1b9c.css``), whose content never changes, and under its original name
(``css/site.css``), whose content changes with each new hash. Only paths that keep their
name while their content changes can be stale at the edge, so only those are invalidated:

- an original name whose hashed name differs between the previous and the new manifest;
- any other file served under a fixed name (not in the manifest) whose digest changed or
  which is gone.

Hashed names, new files and removed originals (left in the bucket as they were) need
nothing. Past ``--max-paths`` the whole prefix is invalidated with one wildcard, which
CloudFront counts as one path; so is a deploy with no previous snapshot (first deploy, or
a lost state file), since nothing is known about what the edge holds.

    # after collectstatic: the manifest plus the digest of every fixed-name file
    python scripts/cdn_invalidation.py snapshot dist/static-dev -o static-state.json
    # the paths to invalidate (one per line), or an invalidation batch for the AWS CLI
    python scripts/cdn_invalidation.py paths --previous old.json --current static-state.json \\
        --batch-out batch.json
    aws cloudfront create-invalidation --distribution-id ID --invalidation-batch file://batch.json

A snapshot is ``{"version": 1, "paths": {original: hashed}, "fixed": {name: sha256}}``;
Django's own ``staticfiles.json`` (``{"paths": ..., "version": "1.1", ...}``) is read too,
as a snapshot without fixed-name files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

MANIFEST_NAME = "staticfiles.json"
DEFAULT_PREFIX = "/static/"
DEFAULT_MAX_PATHS = 15  # CloudFront bills invalidation paths past 1,000 a month; a wildcard counts as one


@dataclass(frozen=True)
class Plan:
    """What to invalidate and why."""

    paths: tuple[str, ...]
    reason: str
    wildcard: bool = False


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def snapshot(static_dir: Path) -> dict:
    """The manifest of a collectstatic output and the digests of its fixed-name files."""
    manifest_file = static_dir / MANIFEST_NAME
    if not manifest_file.is_file():
        raise SystemExit(
            f"error: {manifest_file} not found (was collectstatic run with the manifest storage?)"
        )
    manifest = json.loads(manifest_file.read_text())
    paths = dict(manifest.get("paths") or {})
    named = set(paths) | set(paths.values()) | {MANIFEST_NAME}
    fixed = {}
    for file in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        name = file.relative_to(static_dir).as_posix()
        if name not in named:
            fixed[name] = _digest(file)
    return {"version": 1, "paths": dict(sorted(paths.items())), "fixed": fixed}


def load(path: Path | None) -> dict | None:
    """A snapshot or Django manifest from a file; None when there is none (or it is empty)."""
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not data:
        return None
    if not isinstance(data.get("paths", {}), dict) or not isinstance(data.get("fixed", {}), dict):
        raise SystemExit(f"error: {path} is neither a snapshot nor a staticfiles.json manifest")
    return {"paths": dict(data.get("paths") or {}), "fixed": dict(data.get("fixed") or {})}


def changed_names(previous: dict, current: dict) -> list[str]:
    """Names (relative to the static root) whose content changed under the same name."""
    old_paths, new_paths = previous.get("paths", {}), current.get("paths", {})
    names = {name for name, hashed in new_paths.items() if name in old_paths and old_paths[name] != hashed}
    old_fixed, new_fixed = previous.get("fixed", {}), current.get("fixed", {})
    names |= {name for name, digest in old_fixed.items() if new_fixed.get(name) != digest}
    # A file that moved from a hashed entry to a fixed name (or back) changed how it is served.
    names |= {name for name in new_fixed if name in old_paths}
    names |= {name for name in new_paths if name in old_fixed}
    return sorted(names)


def url_path(prefix: str, name: str) -> str:
    """The path CloudFront sees, URL-encoded as its invalidation API expects ('*' escaped too)."""
    return quote(prefix.rstrip("/") + "/" + name.lstrip("/"), safe="/-_.~")


def plan(
    previous: dict | None,
    current: dict,
    *,
    prefix: str = DEFAULT_PREFIX,
    max_paths: int = DEFAULT_MAX_PATHS,
) -> Plan:
    if not prefix.startswith("/"):
        raise ValueError("the prefix is a URL path and starts with '/'")
    if max_paths < 1:
        raise ValueError("max_paths must be at least 1")
    wildcard = prefix.rstrip("/") + "/*"
    if previous is None:
        return Plan((wildcard,), "no previous snapshot: everything under the prefix may be stale", True)
    names = changed_names(previous, current)
    if not names:
        return Plan((), "no path changed its content under a fixed name")
    if len(names) > max_paths:
        return Plan((wildcard,), f"{len(names)} changed paths exceed the cap of {max_paths}", True)
    return Plan(tuple(url_path(prefix, n) for n in names), f"{len(names)} changed path(s)")


def batch(paths: tuple[str, ...], reference: str) -> dict:
    """The --invalidation-batch document of `aws cloudfront create-invalidation`."""
    return {"Paths": {"Quantity": len(paths), "Items": list(paths)}, "CallerReference": reference}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    snap = sub.add_parser("snapshot", help="record the manifest and fixed-name digests of a static folder")
    snap.add_argument("static_dir", type=Path)
    snap.add_argument("-o", "--output", type=Path, help="write here (default: stdout)")

    diff = sub.add_parser("paths", help="the paths to invalidate between two snapshots")
    diff.add_argument("--previous", type=Path, help="the deployed snapshot; missing or empty: invalidate all")
    diff.add_argument("--current", type=Path, required=True, help="the new snapshot (or staticfiles.json)")
    diff.add_argument(
        "--prefix", default=DEFAULT_PREFIX, help="URL path of the static files (default /static/)"
    )
    diff.add_argument("--max-paths", type=int, default=DEFAULT_MAX_PATHS, help="past this, one wildcard")
    diff.add_argument(
        "--batch-out", type=Path, help="write an invalidation batch here (nothing to do: no file)"
    )
    diff.add_argument("--reference", help="CallerReference of the batch (default: time-based)")

    args = parser.parse_args(argv)
    if args.command == "snapshot":
        text = json.dumps(snapshot(args.static_dir), indent=1, sort_keys=True) + "\n"
        if args.output:
            args.output.write_text(text)
        else:
            sys.stdout.write(text)
        return 0

    current = load(args.current)
    if current is None:
        raise SystemExit(f"error: {args.current} holds no snapshot")
    result = plan(load(args.previous), current, prefix=args.prefix, max_paths=args.max_paths)
    print(f"invalidation: {result.reason}", file=sys.stderr)
    for path in result.paths:
        print(path)
    if args.batch_out:
        if result.paths:
            reference = args.reference or f"static-{int(time.time())}"
            args.batch_out.write_text(json.dumps(batch(result.paths, reference), indent=1) + "\n")
        elif args.batch_out.exists():
            args.batch_out.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
