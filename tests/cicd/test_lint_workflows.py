"""scripts/lint_workflows.sh, run in a scratch tree with stand-ins for the two linters."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "lint_workflows.sh"


def pins():
    text = SCRIPT.read_text()
    cj = re.search(r"^CHECK_JSONSCHEMA_VERSION=(\S+)$", text, re.M).group(1)
    zz = re.search(r"^ZIZMOR_VERSION=(\S+)$", text, re.M).group(1)
    return cj, zz


@pytest.fixture
def tree(tmp_path):
    """A checkout with the script, one workflow, and .venv-lint holding logging stand-ins."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "lint_workflows.sh")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\n")
    bin_dir = tmp_path / ".venv-lint" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("zizmor", "check-jsonschema", "python"):
        stub = bin_dir / tool
        stub.write_text(
            f'#!/bin/sh\necho "{tool} $*" >> "$LINT_LOG"\nexit ${{FAIL_{tool.replace("-", "_").upper()}:-0}}\n'
        )
        stub.chmod(0o755)
    cj, zz = pins()
    (tmp_path / ".venv-lint" / ".installed").write_text(f"check-jsonschema=={cj} zizmor=={zz}\n")
    return tmp_path


def run(tree, **env):
    log = tree / "lint.log"
    proc = subprocess.run(
        ["bash", str(tree / "scripts" / "lint_workflows.sh")],
        capture_output=True,
        text=True,
        env={**os.environ, "LINT_LOG": str(log), **env},
    )
    return proc, (log.read_text() if log.exists() else "")


def test_versions_are_pinned():
    cj, zz = pins()
    assert re.fullmatch(r"\d+\.\d+\.\d+", cj) and re.fullmatch(r"\d+\.\d+\.\d+", zz)


def test_runs_the_schema_check_and_zizmor_offline_on_the_workflows(tree):
    proc, log = run(tree)
    assert proc.returncode == 0, proc.stderr
    lines = log.splitlines()
    assert lines[0] == "check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/ci.yml"
    assert lines[1] == "zizmor --offline --no-progress --min-severity medium .github/workflows"
    assert "installing" not in proc.stdout  # the pinned versions are there already


@pytest.mark.parametrize("failing", ["CHECK_JSONSCHEMA", "ZIZMOR"])
def test_a_linter_failure_fails_the_script(tree, failing):
    proc, _ = run(tree, **{f"FAIL_{failing}": "1"})
    assert proc.returncode != 0


def test_no_workflow_is_an_error(tree):
    (tree / ".github" / "workflows" / "ci.yml").unlink()
    proc, log = run(tree)
    assert proc.returncode != 0 and "no workflow" in proc.stderr
    assert log == ""


def test_changed_pins_reinstall_into_the_venv(tree):
    (tree / ".venv-lint" / ".installed").write_text("check-jsonschema==0.0.1 zizmor==0.0.1\n")
    proc, log = run(tree)
    cj, zz = pins()
    assert f"python -m pip install -q --disable-pip-version-check check-jsonschema=={cj} zizmor=={zz}" in log
    assert (tree / ".venv-lint" / ".installed").read_text().strip() == f"check-jsonschema=={cj} zizmor=={zz}"
    assert proc.returncode == 0, proc.stderr
