"""Structured logs: one JSON object per line on stdout, which CloudWatch Logs reads as is.

Three pieces, all light to import (settings load this module at start-up):

- ``JsonFormatter`` turns every record into one JSON line with the time, level, logger,
  message, the fields bound to the current request or step (request id, user id, route,
  image id) and the record's ``extra`` fields. Secrets and signed URLs never get out:
  fields named like a secret are replaced, and the query string of any URL that carries
  a signature (S3 presigned, CloudFront signed) is cut off.
- ``bind(**fields)`` adds fields to every line logged inside the ``with`` block, through a
  context variable, so code deep in the pipeline needs no logger arguments.
- ``RequestLogMiddleware`` binds the request id and logs one line per request with the
  route, status and duration; it also answers with an ``X-Request-Id`` header.
"""

import contextlib
import contextvars
import json
import logging
import re
import time
import traceback
import uuid
from datetime import UTC, datetime

_fields: contextvars.ContextVar[dict] = contextvars.ContextVar("imageplatform_log_fields", default={})  # noqa: B039

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Extras Django adds that would leak a whole request (cookies, query) into the log, and
# the request's path, which only the local console shows (JSON lines carry the route).
_DROPPED = frozenset({"request", "server_time", "local_path"})
_SECRET_NAME = re.compile(
    r"pass(word)?|secret|token|authori[sz]ation|cookie|credential|private|api_?key|^key$", re.I
)
_SIGNED_QUERY = re.compile(
    r"(https?://[^\s?\"'<>]+)\?[^\s\"'<>]*(?:X-Amz-Signature|X-Amz-Credential|Signature=|Key-Pair-Id|AWSAccessKeyId)[^\s\"'<>]*",
    re.I,
)
REDACTED = "[redacted]"


def scrub(value):
    """``value`` with secret-named fields replaced and signed URLs cut at the ``?``."""
    if isinstance(value, str):
        return _SIGNED_QUERY.sub(r"\1?[signature redacted]", value) if "?" in value else value
    if isinstance(value, dict):
        return {k: REDACTED if _is_secret_name(k) else scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [scrub(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub(str(value))


def _is_secret_name(name) -> bool:
    return isinstance(name, str) and not name.startswith("_") and bool(_SECRET_NAME.search(name))


@contextlib.contextmanager
def bind(**fields):
    """Add ``fields`` to every log line (and metric) written inside the block."""
    token = _fields.set({**_fields.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _fields.reset(token)


def bound() -> dict:
    """The fields bound by the enclosing ``bind`` blocks."""
    return dict(_fields.get())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: CloudWatch Logs Insights can filter on every field."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_fields.get())
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and key not in _DROPPED:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(scrub(entry), default=str, separators=(",", ":"), ensure_ascii=False)


class ConsoleFormatter(logging.Formatter):
    """`make run`'s console: one short line per record, read by a person, not a machine.
    A request reads ``12:04:31 GET /images/abc/ 200 14 ms``; anything else
    ``12:04:31 WARNING gallery.pipeline: message``. Signed URLs are cut as in JSON."""

    def format(self, record: logging.LogRecord) -> str:
        clock = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        if record.name == request_log.name and hasattr(record, "status"):
            path = getattr(record, "local_path", None) or getattr(record, "route", None) or "?"
            line = f"{clock} {record.method} {path} {record.status} {record.duration_ms:.0f} ms"
        else:
            line = f"{clock} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return scrub(line)


# --------------------------------------------------------------------------- requests
request_log = logging.getLogger("imageplatform.request")


def _request_id(request) -> str:
    context = request.META.get("lambda.context")  # Zappa puts the Lambda context here
    aws_id = getattr(context, "aws_request_id", None)
    if aws_id:
        return str(aws_id)
    given = request.headers.get("X-Request-Id", "")
    if given and len(given) <= 64 and given.replace("-", "").isalnum():
        return given
    return uuid.uuid4().hex


def _user_id(request) -> str | None:
    """The signed-in user's id, without a database query just to log it."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    from django.utils.functional import empty

    wrapped = getattr(user, "_wrapped", user)  # a SimpleLazyObject nobody looked at: unknown
    if wrapped is None or wrapped is empty:
        return None
    if getattr(wrapped, "is_authenticated", False):
        return str(wrapped.pk)
    return None


def _content_length(request) -> int | None:
    """The declared body size; None when the header is not a number (the request is
    refused with a 400, and logged all the same)."""
    value = request.META.get("CONTENT_LENGTH") or "0"
    return int(value) if value.isascii() and value.isdigit() else None


class RequestLogMiddleware:
    """Logs ``request`` once per request: method, route, status, duration, user, image."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = _request_id(request)
        with bind(request_id=request_id):
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            kwargs = match.kwargs if match else {}
            request_log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": ("/" + match.route) if match and match.route else None,
                    "view": match.view_name if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                    "image_id": kwargs.get("image_id"),
                    "bytes_in": _content_length(request),
                    "local_path": request.path,
                },
            )
        response.headers.setdefault("X-Request-Id", request_id)
        return response
