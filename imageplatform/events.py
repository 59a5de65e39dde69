"""Entry point for AWS events that are not web requests (Zappa's ``events`` list).

Zappa calls ``imageplatform.events.handle(event, context)`` for the event sources named in
zappa_settings.json (the S3 bucket's ``ObjectCreated`` notifications for direct uploads
under ``uploads/``, and the SNS topic of malware-scan findings). ``handle`` finds out what
kind of event it got, and passes it to the handler registered for that kind in
``HANDLERS``. Kinds are ``"s3:<event name>"`` (``"s3:ObjectCreated"``), ``"sns:<topic
name>"`` (the findings topic) and ``"eventbridge:<detail-type>"``.

What is wired today: the routing only. No kind has a handler yet: the direct-upload and
scan-finding handlers are a later issue, and will be added to ``HANDLERS`` under
``"s3:ObjectCreated"`` and the findings topic's ``"sns:<name>"``. Until then, and for any event nobody
expects, ``handle`` logs one line saying what it ignored (the kind, the source and how
many records, never the payload) and returns ``{"handled": False, ...}`` without raising,
so Lambda does not retry an event that no retry could help.
"""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

# kind -> function(event, context) -> dict. Filled by the later upload/scan issue.
HANDLERS: dict[str, Callable[[dict, object], dict]] = {}


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
    handler = HANDLERS.get(kind) if kind else None
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
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from imageplatform.repair import repair

    report = repair(apply=True)
    summary = {"found": report.found, "fixed": report.fixed, "failed": len(report.failed)}
    log.info("scheduled repair", extra={"repair": summary})
    return summary
