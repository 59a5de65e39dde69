"""Plays the Lambda runtime for the handler tests and scripts/coldstart.py.

Run as ``python -I -S runner.py PACKAGE_DIR``: no site-packages, no PYTHON* variables, no
script folder on the path, so everything beyond the standard library comes from the
unzipped package, as on Lambda (whose working directory is the package root too).

Reads one JSON object per line on stdin: ``{"event": {...}, "request_id": "..."}``, calls
``handler.lambda_handler(event, context)`` like one warm Lambda container would, and
answers each with one line ``@@result@@ {"result": ..., "error": ..., "ms": ...}`` on
stdout, where the app's own JSON log lines also go.
"""

import json
import os
import sys
import time
import traceback
import uuid

started = time.perf_counter()
package = os.path.abspath(sys.argv[1])
os.chdir(package)
sys.path.insert(0, package)
MARK = "@@result@@ "
HERE = os.path.dirname(os.path.abspath(__file__))
FUNCTION = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "imageplatform-dev")
REGION = os.environ.get("AWS_REGION", "us-east-1")

# IAM_RECORD_FILE=path: record every AWS call this process makes (one JSON line each) for
# the IAM fit check. tests/iam/recorder.py when present, else tests/rehearsal/calls.py.
# Installed before `import handler`, so every botocore client the app makes is covered.
if os.environ.get("IAM_RECORD_FILE"):
    for folder, module in (
        (os.path.join(HERE, "..", "iam"), "recorder"),
        (os.path.join(HERE, "..", "rehearsal"), "calls"),
    ):
        if os.path.isfile(os.path.join(folder, module + ".py")):
            sys.path.append(os.path.abspath(folder))
            __import__(module).install_from_env()
            break


class Context:
    function_name = FUNCTION
    function_version = "$LATEST"
    memory_limit_in_mb = "2048"
    log_group_name = f"/aws/lambda/{FUNCTION}"
    log_stream_name = "offline"

    def __init__(self, request_id):
        self.aws_request_id = request_id
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{FUNCTION}"
        self._deadline = time.monotonic() + 30

    def get_remaining_time_in_millis(self):
        return int((self._deadline - time.monotonic()) * 1000)


def reply(payload):
    payload["cpu_ms"] = round(time.process_time() * 1000, 1)  # this process' CPU time so far
    sys.stdout.write(MARK + json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()


import handler  # noqa: E402  (the zip's handler.py, as Lambda imports it)

project_files = [p for p in sys.path if os.path.isfile(os.path.join(p, "manage.py")) and p != package]
reply(
    {
        "ready": True,
        "import_ms": round((time.perf_counter() - started) * 1000, 1),
        "handler_file": handler.__file__,
        "foreign_project_paths": project_files,
        "python": "{}.{}".format(*sys.version_info[:2]),
    }
)

for line in sys.stdin:
    if not line.strip():
        continue
    message = json.loads(line)
    t0 = time.perf_counter()
    try:
        result = handler.lambda_handler(
            message["event"], Context(message.get("request_id") or uuid.uuid4().hex)
        )
        error = None
    except Exception:
        result, error = None, traceback.format_exc()
    reply({"result": result, "error": error, "ms": round((time.perf_counter() - t0) * 1000, 1)})
