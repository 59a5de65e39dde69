"""JSON log lines, EMF metrics and the events router, in-process (no package needed)."""

import json
import logging

import pytest

from imageplatform import events, metrics
from imageplatform.logging import JsonFormatter, RequestLogMiddleware, bind, scrub


def _format(record_logger: str, message: str, **extra) -> dict:
    record = logging.getLogger(record_logger).makeRecord(
        record_logger, logging.INFO, __file__, 1, message, (), None, extra=extra
    )
    return json.loads(JsonFormatter().format(record))


# --------------------------------------------------------------------------- logging
def test_log_line_is_one_json_object_with_bound_fields():
    with bind(request_id="r-1", image_id="img1"):
        line = _format("gallery.services", "image processed", renditions=6)
    assert line["message"] == "image processed"
    assert line["level"] == "INFO"
    assert line["logger"] == "gallery.services"
    assert line["request_id"] == "r-1" and line["image_id"] == "img1" and line["renditions"] == 6


def test_bound_fields_end_with_the_block():
    with bind(image_id="img1"):
        pass
    assert "image_id" not in _format("x", "after")


def test_presigned_urls_lose_their_query_string():
    s3 = "https://b.s3.amazonaws.com/k.jpg?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F&X-Amz-Signature=abc"
    cloudfront = "https://cdn.example.org/r/k.jpg?Expires=1&Signature=xyz~&Key-Pair-Id=K1"
    line = _format("x", f"url {s3}", thumb=cloudfront, nested={"urls": [s3]})
    text = json.dumps(line)
    assert "X-Amz-Signature" not in text and "Signature=" not in text and "AKIA" not in text
    assert line["thumb"] == "https://cdn.example.org/r/k.jpg?[signature redacted]"


def test_plain_query_strings_are_kept():
    assert scrub("https://site/?cursor=abc") == "https://site/?cursor=abc"


def test_secret_named_fields_are_redacted():
    line = _format("x", "login", password="hunter2", api_token="t0k", authorization="Bearer x", user_id="7")
    assert line["password"] == line["api_token"] == line["authorization"] == "[redacted]"
    assert line["user_id"] == "7"


def test_exceptions_are_kept_in_the_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed", (), True)
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in line["exception"]


def test_request_middleware_logs_route_status_and_user(rf, django_user_model, caplog):
    from django.urls import resolve

    user = django_user_model(pk=42, username="carol")
    request = rf.get("/images/abc123/", HTTP_X_REQUEST_ID="req-42")
    request.user = user

    def view(req):
        req.resolver_match = resolve("/images/abc123/")
        from django.http import HttpResponse

        return HttpResponse("ok")

    with caplog.at_level(logging.INFO, logger="imageplatform.request"):
        response = RequestLogMiddleware(view)(request)
    assert response["X-Request-Id"] == "req-42"
    (record,) = [r for r in caplog.records if r.name == "imageplatform.request"]
    assert record.route == "/images/<str:image_id>/"
    assert record.status == 200 and record.user_id == "42" and record.image_id == "abc123"


# --------------------------------------------------------------------------- metrics
def _emf(caplog) -> list[dict]:
    return [
        json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "imageplatform.metrics"
    ]


def test_count_writes_an_embedded_metric_format_line(caplog, settings):
    settings.METRICS_STAGE = "production"
    with caplog.at_level(logging.INFO, logger="imageplatform.metrics"):
        metrics.count("upload.rejected", reason="too_many_pixels")
    (line,) = _emf(caplog)
    directive = line["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Imageplatform"
    assert directive["Dimensions"] == [["Stage"], ["Stage", "reason"]]
    assert directive["Metrics"] == [{"Name": "upload.rejected", "Unit": "Count"}]
    assert (
        line["upload.rejected"] == 1 and line["Stage"] == "production" and line["reason"] == "too_many_pixels"
    )
    assert isinstance(line["_aws"]["Timestamp"], int)


def test_timed_publishes_milliseconds_and_logs_fields_not_dimensions(caplog):
    with (
        caplog.at_level(logging.INFO, logger="imageplatform.metrics"),
        metrics.timed("pipeline.render", image_id="img9"),
    ):
        logging.getLogger("gallery.services").info("inside")
    (line,) = _emf(caplog)
    directive = line["_aws"]["CloudWatchMetrics"][0]
    assert directive["Metrics"] == [{"Name": "pipeline.render", "Unit": "Milliseconds"}]
    assert directive["Dimensions"] == [["Stage"]]  # image ids are never dimensions
    assert line["image_id"] == "img9" and line["outcome"] == "ok" and line["pipeline.render"] >= 0


def test_timed_reports_an_error_and_reraises(caplog):
    with (
        caplog.at_level(logging.INFO, logger="imageplatform.metrics"),
        pytest.raises(KeyError),
        metrics.timed("pipeline.scan", image_id="img9"),
    ):
        raise KeyError("x")
    (line,) = _emf(caplog)
    assert line["outcome"] == "error" and line["error"] == "KeyError"


def test_outcome_counts_accepted_and_rejected_by_reason(caplog):
    class Refused(Exception):
        code = "unsupported_format"

    @metrics.outcome("upload", rejected=Refused)
    def upload(ok: bool):
        if not ok:
            raise Refused

    with caplog.at_level(logging.INFO, logger="imageplatform.metrics"):
        upload(True)
        with pytest.raises(Refused):
            upload(False)
        with pytest.raises(ValueError), metrics.outcome("upload", rejected=Refused):
            raise ValueError  # a failure, not a rejection: counted by neither
    lines = _emf(caplog)
    assert [line["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"] for line in lines] == [
        "upload.accepted",
        "upload.rejected",
    ]
    assert lines[1]["reason"] == "unsupported_format"


def test_timed_works_as_a_decorator(caplog):
    @metrics.timed("pipeline")
    def process():
        return 7

    with caplog.at_level(logging.INFO, logger="imageplatform.metrics"):
        assert process() == 7
        assert process() == 7
    assert [line["step"] for line in _emf(caplog)] == ["pipeline", "pipeline"]


# --------------------------------------------------------------------------- events
def test_unknown_event_is_logged_and_ignored(caplog):
    with caplog.at_level(logging.WARNING, logger="imageplatform.events"):
        result = events.handle({"hello": "world"}, None)
    assert result == {"handled": False, "kind": "unknown"}
    (record,) = caplog.records
    assert record.event_kind == "unknown" and "hello" not in record.getMessage()


def test_s3_event_without_records_for_our_uploads_is_handled_as_nothing_to_do(caplog):
    event = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {}}]}
    assert events.kind_of(event) == "s3:ObjectCreated"
    with caplog.at_level(logging.INFO, logger="imageplatform.events"):
        result = events.handle(event)
    assert result == {"handled": True, "kind": "s3:ObjectCreated", "result": {"records": 0, "skipped": 1}}
    assert "not a direct upload" in caplog.records[-1].getMessage()


def test_sns_event_kind_names_the_topic():
    event = {"Records": [{"EventSource": "aws:sns", "Sns": {"TopicArn": "arn:aws:sns:us-east-1:1:findings"}}]}
    assert events.kind_of(event) == "sns:findings"


def test_registered_handler_gets_the_event(monkeypatch):
    calls = []
    monkeypatch.setitem(events.HANDLERS, "s3:ObjectCreated", lambda e, c: calls.append(e) or {"ok": 1})
    event = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Post"}]}
    assert events.handle(event) == {"handled": True, "kind": "s3:ObjectCreated", "result": {"ok": 1}}
    assert calls == [event]
