"""Malware scanning: a verdict for bytes (clamd), or findings from an external scanner.

``scan(key, data)`` answers at once for ``none`` (clean) and ``clamd`` (the bytes streamed
to a ClamAV daemon with INSTREAM). ``bucketav`` and ``guardduty`` scan the object in the
bucket themselves: ``scan`` answers ``deferred`` and their finding arrives later as an
event, turned into ``Finding`` objects by ``findings_from_bucketav`` (an SNS event) and
``findings_from_guardduty`` (an EventBridge event).

Nothing here ever answers "clean" unless a scanner said so: a refused connection, a
timeout, a size limit or an answer we do not understand is an ``error`` verdict, which the
pipeline treats as "try again later", never as "let it through". docs/scanning.md says how
outcomes map to image statuses.

Knows nothing about Django models, S3 or DynamoDB; reads settings inside functions.
"""

import json
import socket
import struct
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SCANNERS = ("none", "clamd", "bucketav", "guardduty")
GUARDDUTY_DETAIL_TYPE = "GuardDuty Malware Protection Object Scan Result"

# clamd reads INSTREAM in chunks; it refuses a stream past its StreamMaxLength.
CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "clean" | "infected" | "error" | "unsupported" | "deferred"
    detail: str = ""  # the threat name when infected; a short reason when error/unsupported


@dataclass(frozen=True)
class Finding:
    bucket: str
    key: str
    outcome: str  # "clean" | "infected" | "error" | "unsupported"
    detail: str = ""


class MalformedFinding(ValueError):
    """A scanner's message that does not have the shape its publisher documents."""


def scanner_name() -> str:
    return getattr(settings, "GALLERY_SCANNER", "none") or "none"


def scan(key: str, data: bytes) -> Verdict:
    """The verdict on ``data`` (the object stored at ``key``) from the configured scanner."""
    name = scanner_name()
    if name == "none":
        return Verdict("clean")
    if name == "clamd":
        return clamd_scan(
            data,
            url=settings.GALLERY_CLAMD_URL,
            timeout=float(settings.GALLERY_SCAN_TIMEOUT),
        )
    if name in ("bucketav", "guardduty"):
        return Verdict("deferred", f"waiting for the {name} finding")
    return Verdict("error", f"unknown scanner {name!r} (GALLERY_SCANNER)")


# --------------------------------------------------------------------------- clamd
def clamd_address(url: str) -> tuple[int, str | tuple[str, int]]:
    """(socket family, address) for ``tcp://host:port`` or ``unix:///path/to/clamd.ctl``."""
    parts = urlsplit(url)
    if parts.scheme == "tcp":
        try:
            port = parts.port
        except ValueError:
            port = None
        if not parts.hostname or not port:
            raise ValueError(f"{url!r}: expected tcp://host:port")
        return socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, (parts.hostname, port)
    if parts.scheme == "unix":
        path = parts.path or parts.netloc
        if not path:
            raise ValueError(f"{url!r}: expected unix:///path/to/clamd.ctl")
        return socket.AF_UNIX, path
    raise ValueError(f"{url!r}: expected tcp://host:port or unix:///path/to/clamd.ctl")


def clamd_scan(data: bytes, *, url: str, timeout: float) -> Verdict:
    """Stream ``data`` to clamd (zINSTREAM) and read its one-line answer."""
    try:
        family, address = clamd_address(url)
    except ValueError as exc:
        return Verdict("error", f"bad GALLERY_CLAMD_URL: {exc}")
    deadline = time.monotonic() + timeout

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining

    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(left())
            sock.connect(address)
            try:
                sock.settimeout(left())
                sock.sendall(b"zINSTREAM\0")
                view = memoryview(data)
                for start in range(0, len(view), CHUNK_BYTES):
                    chunk = view[start : start + CHUNK_BYTES]
                    sock.settimeout(left())
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.settimeout(left())
                sock.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                # clamd stops reading past StreamMaxLength and answers at once: read it.
                pass
            reply = _read_reply(sock, left)
    except TimeoutError:
        return Verdict("error", f"clamd did not answer within {timeout:g}s")
    except OSError as exc:
        return Verdict("error", f"clamd unreachable at {url}: {exc.strerror or type(exc).__name__}")
    return parse_clamd_reply(reply)


def _read_reply(sock: socket.socket, left) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        sock.settimeout(left())
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            break
        if not chunk:
            break
        reply += chunk
        if len(reply) > 64 * 1024:
            break
    return reply.rstrip(b"\0").decode(errors="replace").strip()


def parse_clamd_reply(reply: str) -> Verdict:
    """'stream: OK' -> clean; 'stream: <name> FOUND' -> infected; anything else -> error."""
    if reply == "stream: OK":
        return Verdict("clean")
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        name = reply[len("stream: ") : -len(" FOUND")].strip()
        return Verdict("infected", name or "unnamed threat")
    if not reply:
        return Verdict("error", "clamd closed the connection without an answer")
    return Verdict("error", f"clamd: {reply[:200]}")


# --------------------------------------------------------------------------- BucketAV
# BucketAV (widdix) publishes one SNS message per scanned object on its findings topic; the
# message is JSON: {"bucket", "key", "version", "status": "clean" | "infected" | "no",
# "action", "finding" (the threat, when infected), "trace_id", ...}. "no" means the file
# could not be scanned (too large, encrypted, an archive too deep). Keys come as S3 stores
# them (not URL-encoded as in S3 event notifications).
_BUCKETAV_STATUSES = {"clean": "clean", "infected": "infected", "no": "unsupported"}


def findings_from_bucketav(event: dict) -> list[Finding]:
    """The findings in an SNS event (Lambda's ``Records[].Sns.Message``) from BucketAV."""
    records = _field(event, "Records", list, "the SNS event")
    if not records:
        raise MalformedFinding("the SNS event has no records")
    findings = []
    for index, record in enumerate(records):
        where = f"record {index}"
        sns = _field(record, "Sns", dict, where)
        raw = _field(sns, "Message", str, f"{where}'s Sns")
        try:
            message = json.loads(raw)
        except ValueError:
            raise MalformedFinding(f"{where}: the SNS message is not JSON") from None
        bucket = _text(message, "bucket", f"{where}'s message")
        key = _text(message, "key", f"{where}'s message")
        status = _text(message, "status", f"{where}'s message")
        if status not in _BUCKETAV_STATUSES:
            raise MalformedFinding(f"{where}: unknown BucketAV status {status[:40]!r}")
        outcome = _BUCKETAV_STATUSES[status]
        if outcome == "infected":
            detail = message.get("finding")
            detail = detail.strip() if isinstance(detail, str) and detail.strip() else "unnamed threat"
        elif outcome == "unsupported":
            detail = "BucketAV could not scan the file"
        else:
            detail = ""
        findings.append(Finding(bucket=bucket, key=key, outcome=outcome, detail=detail))
    return findings


# --------------------------------------------------------------------------- GuardDuty
# GuardDuty Malware Protection for S3 sends one EventBridge event per scanned object:
# detail.scanStatus COMPLETED / SKIPPED / FAILED, detail.scanResultDetails.scanResultStatus
# NO_THREATS_FOUND / THREATS_FOUND (COMPLETED), UNSUPPORTED / ACCESS_DENIED (SKIPPED),
# FAILED (FAILED), threats[].name when found, and detail.s3ObjectDetails.{bucketName,
# objectKey} (the key as stored, not URL-encoded).
_GUARDDUTY_RESULTS = {
    "NO_THREATS_FOUND": ("clean", ""),
    "THREATS_FOUND": ("infected", ""),
    "UNSUPPORTED": ("unsupported", "GuardDuty does not scan this kind of object"),
    # A permissions problem on our side: fix the role, then the retry scans it.
    "ACCESS_DENIED": ("error", "GuardDuty could not read the object (access denied)"),
    "FAILED": ("error", "the GuardDuty scan failed"),
}


def findings_from_guardduty(event: dict) -> list[Finding]:
    """The finding in an EventBridge "GuardDuty Malware Protection Object Scan Result" event."""
    if not isinstance(event, dict):
        raise MalformedFinding("the event is not a JSON object")
    if event.get("detail-type") != GUARDDUTY_DETAIL_TYPE:
        raise MalformedFinding(
            f"not a GuardDuty object scan result: detail-type {event.get('detail-type')!r}"
        )
    if event.get("source", "aws.guardduty") != "aws.guardduty":
        raise MalformedFinding(f"unexpected event source {event.get('source')!r}")
    detail = _field(event, "detail", dict, "the event")
    s3 = _field(detail, "s3ObjectDetails", dict, "detail")
    bucket = _text(s3, "bucketName", "s3ObjectDetails")
    key = _text(s3, "objectKey", "s3ObjectDetails")
    result = _field(detail, "scanResultDetails", dict, "detail")
    status = _text(result, "scanResultStatus", "scanResultDetails")
    if status not in _GUARDDUTY_RESULTS:
        raise MalformedFinding(f"unknown GuardDuty scanResultStatus {status[:40]!r}")
    outcome, reason = _GUARDDUTY_RESULTS[status]
    if outcome == "infected":
        threats = result.get("threats")
        names = []
        if isinstance(threats, list):
            names = [
                t["name"].strip() for t in threats if isinstance(t, dict) and isinstance(t.get("name"), str)
            ]
        reason = ", ".join(n for n in names if n) or "unnamed threat"
    return [Finding(bucket=bucket, key=key, outcome=outcome, detail=reason)]


# --------------------------------------------------------------------------- helpers
def _field(container, name: str, kind: type, where: str):
    if not isinstance(container, dict):
        raise MalformedFinding(f"{where} is not a JSON object")
    value = container.get(name)
    if not isinstance(value, kind):
        missing = "missing" if value is None else f"not a {kind.__name__}"
        raise MalformedFinding(f"{where}: {name!r} is {missing}")
    return value


def _text(container, name: str, where: str) -> str:
    value = _field(container, name, str, where)
    if not value:
        raise MalformedFinding(f"{where}: {name!r} is empty")
    return value
