"""Fallback AWS call recorder for the rehearsal, used only when tests/iam/recorder.py is absent.

``install_from_env()`` reads IAM_RECORD_FILE and registers a ``before-parameter-build``
handler on every botocore client made afterwards; each API call (and each presigned URL)
appends one JSON line ``{"service", "operation", "presigned", "params"}`` with a few
naming parameters only (bucket, key, table, secret id), never values or bodies.
Standard library and botocore only: it runs inside the handler process (python -I -S).
"""

import functools
import json
import os
import threading

KEPT = ("Bucket", "Key", "Prefix", "MaxKeys", "TableName", "IndexName", "SecretId", "Name")
_lock = threading.Lock()


def install_from_env() -> bool:
    path = os.environ.get("IAM_RECORD_FILE")
    if not path:
        return False
    import botocore.session

    original = botocore.session.Session.create_client
    if getattr(original, "_rehearsal_calls", False):
        return True

    @functools.wraps(original)
    def create_client(self, service_name, *args, **kwargs):
        client = original(self, service_name, *args, **kwargs)
        client.meta.events.register(
            "before-parameter-build", functools.partial(_record, path, client), unique_id="rehearsal-calls"
        )
        return client

    create_client._rehearsal_calls = True
    botocore.session.Session.create_client = create_client
    return True


def _record(path, client, params, model, context=None, **kwargs):
    entry = {
        "service": client.meta.service_model.service_name,
        "operation": model.name,
        "presigned": bool((context or {}).get("is_presign_request")),
        "params": {k: params[k] for k in KEPT if k in params},
    }
    with _lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
