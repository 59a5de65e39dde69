"""The committed Lambda package (terraform/modules/invalidator/invalidator.zip) is handler.py."""

import zipfile

from invalidator import build


def test_committed_package_holds_exactly_the_current_handler():
    assert build.PACKAGE.exists(), "run .venv/bin/python -m invalidator.build"
    with zipfile.ZipFile(build.PACKAGE) as zf:
        assert zf.namelist() == ["handler.py"]
        assert zf.read("handler.py") == build.SOURCE.read_bytes(), (
            "stale: run .venv/bin/python -m invalidator.build"
        )


def test_package_is_reproducible():
    assert build.package_bytes() == build.package_bytes()
    assert build.PACKAGE.read_bytes() == build.package_bytes()
