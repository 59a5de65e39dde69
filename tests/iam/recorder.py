"""Records every AWS call a process makes, for the IAM fit check (tests/iam/evaluate.py).

``install(path)`` patches ``botocore.session.Session.create_client`` so that every client
made afterwards, by any session (boto3's default session, django-storages' own, PynamoDB's
``botocore.session.get_session()``), gets a ``before-parameter-build`` handler, which
botocore emits for each API call *and* for each ``generate_presigned_url`` (with
``context["is_presign_request"]``). ``generate_presigned_post`` is wrapped on each S3
client, since botocore emits it only as a ``CreateBucket`` without the key.

Each call appends one JSON line to ``path``::

    {"service": "s3", "operation": "PutObject", "presigned": false, "region": "us-east-1",
     "params": {...summary...}, "names": {"GALLERY_BUCKET": "test-gallery-moto", ...},
     "requests": [{"action": "s3:PutObject", "resource": "arn:aws:s3:::...", "context": {}}],
     "test": "tests/...::test_x", "pid": 123}

``names`` is a snapshot of the Django settings that name AWS resources (when Django is
configured), so that the evaluator can map local names onto Terraform's. ``requests`` uses
the local names (informative); the evaluator recomputes them from ``params``.

Activation in any process: ``install_from_env()`` reads ``IAM_RECORD_FILE``. The Lambda
handler runner (``python -I -S``) has no site-packages, so it loads this file by path::

    if os.environ.get("IAM_RECORD_FILE"):
        sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "iam"))
        __import__("recorder").install_from_env()

Standard library + botocore only (and ``actions.py`` beside this file).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import threading

try:  # as tests.iam.recorder, or loaded by path as "recorder"
    from . import actions
except ImportError:  # the by-path case: load actions.py beside this file, under its own name
    import importlib.util

    _spec = importlib.util.spec_from_file_location(
        "iam_recorder_actions", os.path.join(os.path.dirname(os.path.abspath(__file__)), "actions.py")
    )
    actions = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = actions
    _spec.loader.exec_module(actions)

ENV_VAR = "IAM_RECORD_FILE"
NAME_SETTINGS = (
    "GALLERY_BUCKET",
    "STATIC_BUCKET",
    "GALLERY_TABLE",
    "SHORTLINKS_TABLE",
    "MODERATION_AUDIT_TABLE",
    "MODERATION_REPORTS_TABLE",
    "PLATFORM_INVALIDATIONS_TABLE",
    "CLOUDFRONT_PRIVATE_KEY_PARAMETER",
    "APP_SECRET_ARN",
    "DATABASE_SECRET_ARN",
)

_lock = threading.Lock()
_state = {"path": None, "enabled": True, "test": None, "original": None, "count": 0}


def install(path: str | None) -> None:
    """Record from now on into ``path`` (JSON lines, appended). Idempotent.

    ``path=None`` only hooks the clients made from now on, recording nothing yet (see
    :func:`recording`): clients are cached (django-storages, PynamoDB), so the hooks must be
    in place before the first one is made.
    """
    import botocore.session

    if path is not None:
        _state["path"] = os.path.abspath(path)
    if _state["original"] is not None:
        return
    original = botocore.session.Session.create_client
    _state["original"] = original

    @functools.wraps(original)
    def create_client(self, service_name, *args, **kwargs):
        client = original(self, service_name, *args, **kwargs)
        attach(client)
        return client

    botocore.session.Session.create_client = create_client


def install_from_env() -> bool:
    path = os.environ.get(ENV_VAR)
    if path:
        install(path)
    return bool(path)


def uninstall() -> None:
    import botocore.session

    if _state["original"] is not None:
        botocore.session.Session.create_client = _state["original"]
        _state["original"] = None
    _state["path"] = None


@contextlib.contextmanager
def recording(path: str):
    """Record into ``path`` inside the block; what was recorded before resumes after."""
    install(None)
    saved = (_state["path"], _state["enabled"])
    _state["path"], _state["enabled"] = os.path.abspath(path), True
    try:
        yield path
    finally:
        _state["path"], _state["enabled"] = saved


def set_enabled(enabled: bool) -> None:
    """Pause or resume recording (e.g. outside the call phase of a test)."""
    _state["enabled"] = enabled


def set_test(nodeid: str | None) -> None:
    _state["test"] = nodeid


def count() -> int:
    return _state["count"]


def attach(client) -> None:
    """Register the recording handlers on one client (done for every new client)."""
    if getattr(client, "_iam_recorded", False):
        return
    client._iam_recorded = True
    client.meta.events.register(
        "before-parameter-build", functools.partial(_on_parameter_build, client), unique_id="iam-recorder"
    )
    if client.meta.service_model.service_name == "s3" and hasattr(client, "generate_presigned_post"):
        inner = client.generate_presigned_post

        @functools.wraps(inner)
        def generate_presigned_post(Bucket, Key, Fields=None, Conditions=None, ExpiresIn=3600):
            _record(
                client,
                actions.PRESIGNED_POST,
                {"Bucket": Bucket, "Key": Key, "Conditions": Conditions},
                presigned=True,
            )
            return inner(Bucket, Key, Fields=Fields, Conditions=Conditions, ExpiresIn=ExpiresIn)

        client.generate_presigned_post = generate_presigned_post


def _on_parameter_build(client, params, model, context=None, **kwargs):
    presigned = bool((context or {}).get("is_presign_request"))
    if presigned and model.name == "CreateBucket":
        return  # generate_presigned_post's internal step: recorded by its wrapper
    _record(client, model.name, params, presigned=presigned)


def _names() -> dict:
    """The names in effect: Lambda's environment, then Django's settings once they are loaded
    (calls made while the settings module runs, such as reading secrets, see only the first)."""
    names = {n: os.environ[n] for n in NAME_SETTINGS if os.environ.get(n)}
    conf = sys.modules.get("django.conf")
    if conf is None:
        return names
    try:
        settings = conf.settings
        if settings.configured:
            names.update({n: getattr(settings, n) for n in NAME_SETTINGS if getattr(settings, n, None)})
    except Exception:  # settings not loadable yet: the environment's names
        pass
    return names


def _record(client, operation, params, *, presigned):
    path = _state["path"]
    if not path or not _state["enabled"]:
        return
    service = client.meta.service_model.service_name
    region = client.meta.region_name or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    entry = {
        "service": service,
        "operation": operation,
        "presigned": presigned,
        "region": region,
        "names": _names(),
        "test": _state["test"],
        "pid": os.getpid(),
    }
    try:
        entry["params"] = actions.summarize(service, operation, params)
        arns = actions.Arns(region=region, account=os.environ.get("AWS_ACCOUNT_ID", "000000000000"))
        entry["requests"] = [
            {"action": a, "resource": r, "context": c}
            for a, r, c in actions.requests_for(service, operation, entry["params"], arns)
        ]
    except Exception as exc:  # recorded, and the evaluator fails on it
        entry.setdefault("params", {})
        entry["error"] = f"{type(exc).__name__}: {exc}"
    line = json.dumps(entry, default=str, sort_keys=True) + "\n"
    with _lock:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
        _state["count"] += 1
