"""Entry point for AWS events that are not web requests (Zappa's ``events`` list).

Zappa calls ``imageplatform.events.handle(event, context)`` for the event sources named in
zappa_settings.json (the S3 bucket's ``ObjectCreated`` notifications for direct uploads
under ``uploads/``, and the SNS topic of malware-scan findings). ``handle`` finds out what
kind of event it got, and passes it to the handler registered for that kind in
``HANDLERS``. Kinds are ``"s3:<event name>"`` (``"s3:ObjectCreated"``), ``"sns:<topic
name>"`` (the findings topic) and ``"eventbridge:<detail-type>"``.

Handlers: ``"s3:ObjectCreated"`` (a direct upload arrived under ``uploads/``: the
pipeline runs), the findings of an external malware scanner (``GALLERY_SCANNER``:
``bucketav`` or ``guardduty``), which in AWS arrive through Terraform's scan-findings SQS
queue (any ``"sqs:..."`` kind); an SNS notification (``"sns:..."``) or an EventBridge event
delivered directly is handled too. Each record is handled on its own: a record for another bucket or key, an
unknown image or a duplicate delivery is logged in one line and skipped; a malformed
finding is logged and skipped (no retry could help); a store error raises, so Lambda
retries the event, and the conditional transitions make the retry converge. Any other
event is logged (the kind, the source and how many records, never the payload) and
answered ``{"handled": False, ...}`` without raising.
"""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def _setup() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def s3_object_created(event: dict, context=None) -> dict:
    """Direct uploads that arrived: each ``uploads/<id>/upload`` key runs the pipeline."""
    _setup()
    from urllib.parse import unquote_plus

    from gallery import storage
    from gallery.services import uploads

    bucket = storage.media_storage().bucket_name
    done = skipped = 0
    for record in event.get("Records") or []:
        s3 = record.get("s3") if isinstance(record, dict) else None
        name = (s3 or {}).get("bucket", {}).get("name") if isinstance(s3, dict) else None
        raw_key = (s3 or {}).get("object", {}).get("key") if isinstance(s3, dict) else None
        key = unquote_plus(raw_key) if isinstance(raw_key, str) else ""
        image_id = storage.image_id_from_upload_key(key) if name == bucket else None
        if image_id is None:
            skipped += 1
            log.info("s3 event record skipped: not a direct upload of this bucket", extra={"key": key[:200]})
            continue
        image = uploads.upload_received(image_id=image_id, source="s3-event")
        done += 1
        log.info(
            "s3 event handled",
            extra={"image_id": image_id, "status": image.status if image else "unknown image"},
        )
    return {"records": done, "skipped": skipped}


def _findings(parse, event: dict, source: str) -> dict:
    from gallery import scanning, storage
    from gallery.services import uploads

    try:
        findings = parse(event)
    except scanning.MalformedFinding as exc:
        log.warning("scan finding ignored: malformed", extra={"source": source, "problem": str(exc)[:300]})
        return {"findings": 0, "malformed": True}
    bucket = storage.media_storage().bucket_name
    done = skipped = 0
    for finding in findings:
        if finding.bucket != bucket:
            skipped += 1
            log.info("scan finding skipped: another bucket", extra={"source": source})
            continue
        uploads.upload_scanned(key=finding.key, outcome=finding.outcome, detail=finding.detail, source=source)
        done += 1
    return {"findings": done, "skipped": skipped}


def bucketav_finding(event: dict, context=None) -> dict:
    _setup()
    from gallery import scanning

    if scanning.scanner_name() != "bucketav":
        log.warning("sns event ignored: GALLERY_SCANNER is not bucketav")
        return {"findings": 0, "ignored": True}
    return _findings(scanning.findings_from_bucketav, event, "bucketav")


def guardduty_finding(event: dict, context=None) -> dict:
    _setup()
    from gallery import scanning

    if scanning.scanner_name() != "guardduty":
        log.warning("eventbridge event ignored: GALLERY_SCANNER is not guardduty")
        return {"findings": 0, "ignored": True}
    return _findings(scanning.findings_from_guardduty, event, "guardduty")


def queued_findings(event: dict, context=None) -> dict:
    """The scan-findings queue (Terraform's ``<project>-<stage>-scan-findings``): each SQS
    record's body is either BucketAV's SNS envelope (raw delivery off) or GuardDuty's
    EventBridge event. Zappa owns the queue -> function mapping (it removes EventBridge
    targets and re-subscribes SNS topics on every update), Terraform everything before it.
    A malformed body is logged and skipped; a store error raises, so SQS redelivers."""
    _setup()
    import json

    from gallery import scanning

    name = scanning.scanner_name()
    total = {"findings": 0, "skipped": 0, "malformed": 0}
    for record in event.get("Records") or []:
        try:
            body = json.loads(record.get("body") or "")
        except (ValueError, TypeError, AttributeError):
            body = None
        if isinstance(body, dict) and body.get("Type") == "Notification" and "Message" in body:
            inner = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": body["Message"]}}]}
            parse, source = scanning.findings_from_bucketav, "bucketav"
        elif isinstance(body, dict) and body.get("detail-type") == scanning.GUARDDUTY_DETAIL_TYPE:
            inner, parse, source = body, scanning.findings_from_guardduty, "guardduty"
        else:
            total["malformed"] += 1
            log.warning("scan finding ignored: not a BucketAV or GuardDuty message", extra={"source": "sqs"})
            continue
        if source != name:
            total["skipped"] += 1
            log.warning("scan finding ignored: GALLERY_SCANNER is %s, not %s", name, source)
            continue
        result = _findings(parse, inner, source)
        total["findings"] += result.get("findings", 0)
        total["skipped"] += result.get("skipped", 0)
        total["malformed"] += int(bool(result.get("malformed")))
    return total


# kind -> function(event, context) -> dict
HANDLERS: dict[str, Callable[[dict, object], dict]] = {
    "s3:ObjectCreated": s3_object_created,
    "eventbridge:GuardDuty Malware Protection Object Scan Result": guardduty_finding,
}
# Kinds matched by their start: the findings topic's name is the deployment's choice.
PREFIX_HANDLERS: dict[str, Callable[[dict, object], dict]] = {
    "sns:": bucketav_finding,
    "sqs:": queued_findings,
}


def handler_for(kind: str | None):
    if not kind:
        return None
    if kind in HANDLERS:
        return HANDLERS[kind]
    return next((h for prefix, h in PREFIX_HANDLERS.items() if kind.startswith(prefix)), None)


def kind_of(event) -> str | None:
    """``"s3:ObjectCreated"``, ``"sns:<topic name>"``, another ``"source:name"``, or None."""
    if not isinstance(event, dict):
        return None
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        record = records[0]
        source = record.get("eventSource") or record.get("EventSource") or ""
        if source == "aws:s3":
            name = str(record.get("eventName", ""))
            return "s3:" + name.split(":", 1)[0] if name else "s3:unknown"
        if source == "aws:sqs":
            queue = str(record.get("eventSourceARN") or "")
            return "sqs:" + (queue.rsplit(":", 1)[-1] or "unknown")
        if source == "aws:sns":
            topic = str(record.get("Sns", {}).get("TopicArn") or "")
            return "sns:" + (topic.rsplit(":", 1)[-1] or "unknown")
        return f"{source or 'records'}:unknown"
    if "detail-type" in event and "source" in event:
        return f"eventbridge:{event.get('detail-type')}"
    return None


def handle(event, context=None) -> dict:
    """Route one event to its handler; log and ignore events without one."""
    kind = kind_of(event)
    handler = handler_for(kind)
    if handler is None:
        records = event.get("Records") if isinstance(event, dict) else None
        log.warning(
            "event ignored: no handler for it",
            extra={
                "event_kind": kind or "unknown",
                "event_keys": sorted(event)[:20] if isinstance(event, dict) else type(event).__name__,
                "records": len(records) if isinstance(records, list) else 0,
            },
        )
        return {"handled": False, "kind": kind or "unknown"}
    return {"handled": True, "kind": kind, "result": handler(event, context)}


def repair_scheduled(event=None, context=None) -> dict:
    """Zappa's scheduled event (``rate(1 day)``, zappa_settings.json): `manage.py repair
    --apply` across all owners, one summary log line. Leftovers younger than 15 minutes are
    left to the uploads still writing them."""
    _setup()
    from imageplatform.repair import repair

    report = repair(apply=True)
    summary = {"found": report.found, "fixed": report.fixed, "failed": len(report.failed)}
    log.info("scheduled repair", extra={"repair": summary})
    return summary
