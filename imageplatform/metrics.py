"""Metrics in CloudWatch's Embedded Metric Format (EMF), written as log lines.

On Lambda, CloudWatch Logs turns every line that carries an ``_aws`` block into metric
data points: no PutMetricData call, no extra latency, no extra IAM permission. Locally
the same lines appear in the log. The format is written directly (it is one small JSON
object), so no library is imported on the cold start.

Use it from services by wrapping calls::

    from imageplatform import metrics

    metrics.count("upload.accepted")
    metrics.count("upload.rejected", reason=exc.code)      # keyword args = dimensions
    with metrics.timed("pipeline.render", image_id=image_id):  # keyword args = log fields
        ...

- ``count(name, value=1, **dimensions)`` and ``timing(name, ms, **dimensions)``: each
  keyword becomes a dimension. Dimensions must have few values (a reason code, a step
  name), never ids: each value is a separate CloudWatch metric and costs money. Every
  metric is also published without the extra dimensions, so an alarm can watch the total.
- ``timed(name, **fields)``: times the block and publishes ``name`` in milliseconds. Its
  keywords are log fields (``image_id=...``), bound for every line logged inside the block,
  never dimensions. The line says ``outcome: ok`` or ``outcome: error`` and the error type.
- ``outcome(name, rejected=ExceptionType)``: counts ``<name>.accepted`` when the block ends
  normally and ``<name>.rejected`` with the dimension ``reason`` (the exception's ``code``)
  when it raises ``rejected``; other errors count neither. The exception is re-raised.

``timed`` and ``outcome`` also work as decorators (``@metrics.outcome("upload",
rejected=InvalidImage)``), which keeps the services' bodies as they are.

Every metric has the dimension ``Stage`` (settings.METRICS_STAGE, e.g. ``production``), in
the namespace settings.METRICS_NAMESPACE (default ``Imageplatform``). Names in use:
``upload.accepted``, ``upload.rejected`` (by ``reason``), ``pipeline`` and ``pipeline.<step>``
(milliseconds), ``shortlink.hit``. docs/deployment.md lists them for the alarms.
"""

import contextlib
import logging
import time

from imageplatform.logging import bind

log = logging.getLogger("imageplatform.metrics")

DEFAULT_NAMESPACE = "Imageplatform"


def _config() -> tuple[str, str]:
    from django.conf import settings

    namespace = getattr(settings, "METRICS_NAMESPACE", DEFAULT_NAMESPACE) or DEFAULT_NAMESPACE
    stage = getattr(settings, "METRICS_STAGE", "local") or "local"
    return namespace, stage


def emit(name: str, value: float, unit: str, dimensions: dict | None = None, **fields) -> dict:
    """Write one EMF line for one metric; returns the document (for tests)."""
    namespace, stage = _config()
    dims = {"Stage": stage, **{k: str(v) for k, v in (dimensions or {}).items() if v is not None}}
    dimension_sets = [["Stage"]]
    if len(dims) > 1:
        dimension_sets.append(list(dims))
    document = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": dimension_sets,
                    "Metrics": [{"Name": name, "Unit": unit}],
                }
            ],
        },
        **dims,
        name: value,
    }
    log.info("metric %s=%s", name, value, extra={**fields, **document})
    return document


def count(name: str, value: int = 1, **dimensions) -> dict:
    """Add ``value`` to the counter ``name`` (Unit Count)."""
    return emit(name, value, "Count", dimensions)


def timing(name: str, milliseconds: float, **dimensions) -> dict:
    """Record a duration in milliseconds."""
    return emit(name, round(milliseconds, 1), "Milliseconds", dimensions)


@contextlib.contextmanager
def timed(name: str, **fields):
    """Time the block: publish ``name`` in ms and log it with ``fields`` and the outcome."""
    started = time.perf_counter()
    outcome, error = "ok", None
    with bind(**fields):
        try:
            yield
        except BaseException as exc:
            outcome, error = "error", type(exc).__name__
            raise
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            emit(
                name,
                round(elapsed, 1),
                "Milliseconds",
                None,
                **fields,
                step=name,
                duration_ms=round(elapsed, 1),
                outcome=outcome,
                error=error,
            )


@contextlib.contextmanager
def outcome(name: str, *, rejected: type[BaseException] | tuple = ()):
    """Count ``<name>.accepted``, or ``<name>.rejected`` by ``reason`` when ``rejected`` is raised."""
    try:
        yield
    except rejected as exc:
        count(f"{name}.rejected", reason=getattr(exc, "code", None) or type(exc).__name__)
        raise
    count(f"{name}.accepted")
