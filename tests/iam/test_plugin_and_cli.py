"""The two ways in for other tools: the pytest plugin and ``python -m tests.iam.evaluate``."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Media",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetObject"],
            "Resource": "arn:aws:s3:::iam-plugin-test/originals/*",
        },
        {
            "Sid": "Tables",
            "Effect": "Allow",
            "Action": "dynamodb:Scan",
            "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/t",
        },
    ],
}

TESTS = """
import boto3, pytest
from moto import mock_aws

@pytest.fixture
def s3(monkeypatch):
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(k, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="iam-plugin-test")  # set-up: not recorded
        yield client

def test_allowed(s3):
    s3.put_object(Bucket="iam-plugin-test", Key="originals/a", Body=b"x")

def test_denied(s3):
    s3.put_object(Bucket="iam-plugin-test", Key="elsewhere/a", Body=b"x")
"""


def _pytest(tmp_path, *args, env=None):
    (tmp_path / "test_sample.py").write_text(TESTS)
    (tmp_path / "policy.json").write_text(json.dumps(POLICY))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.iam.pytest_plugin",
            "-p",
            "no:cacheprovider",
            "-q",
            "-p",
            "no:django",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(tmp_path / "test_sample.py"),
            "--iam-policy",
            str(tmp_path / "policy.json"),
            *args,
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_plugin_records_the_call_phase_and_summarises(tmp_path):
    record = tmp_path / "calls.jsonl"
    proc = _pytest(tmp_path, f"--iam-record={record}")
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr  # the tests passed; not strict
    assert "IAM fit (staging)" in out
    assert "2 AWS calls (2 authorisations, 0 of them presigned URLs/POSTs): 1 denied" in out
    assert "DENIED (implicit deny) s3:PutObject on arn:aws:s3:::iam-plugin-test/elsewhere/a" in out
    assert "test_sample.py::test_denied" in out
    assert "Media: actions s3:GetObject" in out and "Tables: actions dynamodb:Scan" in out
    calls = [json.loads(line) for line in record.read_text().splitlines()]
    assert [c["operation"] for c in calls] == ["PutObject", "PutObject"]  # no CreateBucket from the fixture


def test_plugin_strict_fails_the_run_and_env_var_activates_it(tmp_path):
    proc = _pytest(tmp_path, "--iam-strict", env={"IAM_RECORD_FILE": str(tmp_path / "calls.jsonl")})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout and "1 denied" in proc.stdout


def test_evaluate_command(tmp_path):
    record = tmp_path / "calls.jsonl"
    _pytest(tmp_path, f"--iam-record={record}")
    run = lambda *a: subprocess.run(  # noqa: E731
        [
            sys.executable,
            "-m",
            "tests.iam.evaluate",
            str(record),
            "--policy",
            str(tmp_path / "policy.json"),
            *a,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    denied = run()
    assert denied.returncode == 1 and "1 denied" in denied.stdout
    mapped = run("--map", "iam-plugin-test=other-bucket")  # names are mapped before judging
    assert mapped.returncode == 1 and "arn:aws:s3:::other-bucket/originals/a" in mapped.stdout
    lines = record.read_text().splitlines()
    record.write_text(lines[0] + "\n")
    ok = run("--no-unused")
    assert ok.returncode == 0 and ok.stdout.strip().endswith(
        "1 AWS calls, all allowed (1 authorisations, 0 of them presigned URLs/POSTs)"
    )
