"""Record the AWS calls of a whole pytest run and judge them against the Lambda role.

    .venv/bin/python -m pytest -p tests.iam.pytest_plugin --iam-record=var/iam-calls.jsonl
    IAM_RECORD_FILE=var/iam-calls.jsonl .venv/bin/python -m pytest -p tests.iam.pytest_plugin

Only the call phase of each test is recorded (fixtures that create buckets and tables for
the test are set-up, not the app). At the end the terminal summary says how many calls
were made and whether the role (``--iam-env``, default staging) allows all of them, and
lists the grants no call used. With ``--iam-strict`` a denied call fails the run.

Works with pytest-xdist: every worker appends to the same file; the controller judges.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.iam import recorder


def pytest_addoption(parser):
    group = parser.getgroup("iam", "IAM fit check (tests/iam)")
    group.addoption(
        "--iam-record", metavar="PATH", help="record AWS calls into PATH (default: $IAM_RECORD_FILE)"
    )
    group.addoption(
        "--iam-env", default="staging", help="terraform/envs/<env> to judge against (default: staging)"
    )
    group.addoption(
        "--iam-policy", metavar="FILE", help="judge against this policy JSON instead of the Terraform"
    )
    group.addoption("--iam-strict", action="store_true", help="fail the run when a recorded call is denied")


def _path(config) -> str | None:
    return config.getoption("--iam-record") or os.environ.get(recorder.ENV_VAR) or None


def pytest_configure(config):
    path = _path(config)
    if not path:
        return
    path = os.path.abspath(path)
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) starts afresh
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text("")
    recorder.install(path)
    recorder.set_enabled(False)
    config._iam_record = path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if not getattr(item.config, "_iam_record", None):
        yield
        return
    recorder.set_test(item.nodeid)
    recorder.set_enabled(True)
    try:
        yield
    finally:
        recorder.set_enabled(False)
        recorder.set_test(None)


def _judge(config):
    if hasattr(config, "_iam_report"):
        return config._iam_report
    from tests.iam.evaluate import evaluate_records, load_policy, load_records
    from tests.iam.policies import TerraformMissing

    records = load_records(config._iam_record)
    try:
        policy = load_policy(env=config.getoption("--iam-env"), policy_file=config.getoption("--iam-policy"))
        report = evaluate_records(records, policy)
    except TerraformMissing as exc:
        report = f"{len(records)} AWS calls recorded in {config._iam_record}; not judged: {exc}"
    config._iam_report = report
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not getattr(config, "_iam_record", None) or hasattr(config, "workerinput"):
        return
    terminalreporter.section(f"IAM fit ({config.getoption('--iam-env')})")
    try:
        report = _judge(config)
    except Exception as exc:  # the summary must not hide the test results
        terminalreporter.write_line(f"IAM check failed to run: {type(exc).__name__}: {exc}")
        return
    terminalreporter.write_line(report if isinstance(report, str) else report.text())


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if not getattr(config, "_iam_record", None) or hasattr(config, "workerinput"):
        return
    if config.getoption("--iam-strict"):
        report = _judge(config)
        if not isinstance(report, str) and not report.ok:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
