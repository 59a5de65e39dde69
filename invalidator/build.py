"""Build the invalidator's Lambda package: terraform/modules/invalidator/invalidator.zip.

    .venv/bin/python -m invalidator.build          # rewrite the zip after editing handler.py
    .venv/bin/python -m invalidator.build --check  # exit 1 when the committed zip is stale

The zip holds handler.py alone (boto3 comes with Lambda's Python runtime) and is
byte-for-byte reproducible (fixed timestamp and permissions), so it is committed beside
the module: Terraform has no archive provider here (only the AWS provider is mirrored),
and every plan, offline or not, finds the package without a build step. A test
(invalidator/tests/test_package.py) fails when the zip and handler.py differ.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

SOURCE = Path(__file__).with_name("handler.py")
PACKAGE = Path(__file__).resolve().parents[1] / "terraform" / "modules" / "invalidator" / "invalidator.zip"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def package_bytes(source: Path = SOURCE) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("handler.py", date_time=FIXED_TIME)
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, source.read_bytes())
    return buf.getvalue()


def main(argv: list[str]) -> int:
    wanted = package_bytes()
    if "--check" in argv:
        if not PACKAGE.exists() or PACKAGE.read_bytes() != wanted:
            print(f"{PACKAGE} is stale: run .venv/bin/python -m invalidator.build", file=sys.stderr)
            return 1
        print(f"{PACKAGE.name} is up to date")
        return 0
    PACKAGE.parent.mkdir(parents=True, exist_ok=True)
    PACKAGE.write_bytes(wanted)
    print(f"wrote {PACKAGE} ({len(wanted)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
