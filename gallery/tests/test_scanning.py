"""gallery.scanning: clamd's INSTREAM protocol against a fake clamd in a thread, and the
findings BucketAV (SNS) and GuardDuty Malware Protection for S3 (EventBridge) publish, in
the shapes those services send. Nothing here ever turns into "clean" unless a scanner
said so. The real clamd is exercised in test_scanning_clamd.py (integration)."""

import json
import socket
import struct
import threading
import time

import pytest

from gallery import checks, scanning
from gallery.scanning import (
    GUARDDUTY_DETAIL_TYPE,
    Finding,
    MalformedFinding,
    Verdict,
    findings_from_bucketav,
    findings_from_guardduty,
    scan,
)


# --------------------------------------------------------------------------- a fake clamd
class FakeClamd:
    """Listens on a free loopback port (or a unix socket) and answers one way.

    ``reply``: the answer once the stream ends (b"stream: OK"...), ``None`` to close without
    a word; ``hang``: accept and say nothing; ``limit``: answer the size-limit error and
    close after that many stream bytes, as clamd does past StreamMaxLength.
    """

    def __init__(self, reply=b"stream: OK", *, hang=False, limit=None, unix_path=None):
        self.reply, self.hang, self.limit = reply, hang, limit
        if unix_path:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.bind(str(unix_path))
            self.url = f"unix://{unix_path}"
        else:
            self.sock = socket.socket()
            self.sock.bind(("127.0.0.1", 0))
            self.url = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.sock.listen()
        self.command = b""
        self.received = b""
        self.chunks: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def read_exact(self, conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise EOFError
            data += part
        return data

    def serve(self):
        conn, _ = self.sock.accept()
        with conn:
            if self.hang:
                self.stop.wait(10)
                return
            try:
                self.command = self.read_exact(conn, len(b"zINSTREAM\0"))
                while True:
                    (size,) = struct.unpack("!L", self.read_exact(conn, 4))
                    self.chunks.append(size)
                    if size == 0:
                        break
                    self.received += self.read_exact(conn, size)
                    if self.limit is not None and len(self.received) > self.limit:
                        conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                        return
            except EOFError:
                return
            if self.reply is not None:
                conn.sendall(self.reply + b"\0")

    def close(self):
        self.stop.set()
        self.sock.close()
        self.thread.join(timeout=5)


@pytest.fixture
def clamd(settings):
    servers = []

    def start(*args, **kwargs):
        server = FakeClamd(*args, **kwargs)
        servers.append(server)
        settings.GALLERY_SCANNER = "clamd"
        settings.GALLERY_CLAMD_URL = server.url
        settings.GALLERY_SCAN_TIMEOUT = 5
        return server

    yield start
    for server in servers:
        server.close()


# --------------------------------------------------------------------------- scan()
def test_no_scanner_passes_everything(settings):
    settings.GALLERY_SCANNER = "none"
    assert scan("uploads/a", b"anything") == Verdict("clean")


@pytest.mark.parametrize("name", ["bucketav", "guardduty"])
def test_external_scanners_defer_to_their_finding(settings, name):
    settings.GALLERY_SCANNER = name
    verdict = scan("uploads/a", b"anything")
    assert verdict.outcome == "deferred"
    assert scanning.scanner_name() == name


def test_unknown_scanner_is_an_error_not_clean(settings):
    settings.GALLERY_SCANNER = "clamav"
    verdict = scan("uploads/a", b"anything")
    assert verdict.outcome == "error"
    assert "clamav" in verdict.detail


def test_clamd_ok_is_clean_and_the_bytes_arrive_framed_in_chunks(clamd):
    server = clamd(b"stream: OK")
    data = bytes(range(256)) * (scanning.CHUNK_BYTES // 256 * 2 + 3)  # three chunks
    assert scan("uploads/a", data) == Verdict("clean")
    server.thread.join(timeout=5)
    assert server.command == b"zINSTREAM\0"
    assert server.received == data
    assert server.chunks == [
        scanning.CHUNK_BYTES,
        scanning.CHUNK_BYTES,
        len(data) - 2 * scanning.CHUNK_BYTES,
        0,
    ]


def test_clamd_found_is_infected_with_the_signature_name(clamd):
    clamd(b"stream: Eicar-Test-Signature FOUND")
    assert scan("uploads/a", b"x" * 100) == Verdict("infected", "Eicar-Test-Signature")


def test_an_empty_file_is_still_sent_and_judged(clamd):
    server = clamd(b"stream: OK")
    assert scan("uploads/a", b"").outcome == "clean"
    server.thread.join(timeout=5)
    assert server.chunks == [0]


@pytest.mark.parametrize(
    "reply",
    [
        b"INSTREAM size limit exceeded. ERROR",
        b"stream: Can't allocate memory ERROR",
        b"UNKNOWN COMMAND",
        b"stream: OK but not quite",
        b"stream: FOUND-ish",
    ],
)
def test_clamd_anything_but_ok_or_found_is_an_error(clamd, reply):
    clamd(reply)
    verdict = scan("uploads/a", b"x" * 100)
    assert verdict.outcome == "error"
    assert reply.decode()[:30] in verdict.detail


def test_clamd_size_limit_mid_stream_is_an_error(clamd):
    """clamd answers and hangs up as soon as the stream passes StreamMaxLength."""
    clamd(limit=1000)
    verdict = scan("uploads/a", b"x" * (8 * scanning.CHUNK_BYTES))
    assert verdict == Verdict("error", "clamd: INSTREAM size limit exceeded. ERROR")


def test_clamd_closing_without_an_answer_is_an_error(clamd):
    clamd(None)
    verdict = scan("uploads/a", b"x" * 100)
    assert verdict.outcome == "error"
    assert "without an answer" in verdict.detail


def test_clamd_timeout_is_an_error_and_is_bounded(clamd, settings):
    clamd(hang=True)
    settings.GALLERY_SCAN_TIMEOUT = 1
    started = time.monotonic()
    verdict = scan("uploads/a", b"x" * 100)
    assert verdict.outcome == "error"
    assert "within 1s" in verdict.detail
    assert time.monotonic() - started < 3


def test_clamd_connection_refused_is_an_error(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    settings.GALLERY_SCANNER = "clamd"
    settings.GALLERY_CLAMD_URL = f"tcp://127.0.0.1:{port}"
    verdict = scan("uploads/a", b"x")
    assert verdict.outcome == "error"
    assert "refused" in verdict.detail.lower()


def test_clamd_over_a_unix_socket(clamd, tmp_path):
    clamd(b"stream: Win.Test.Thing FOUND", unix_path=tmp_path / "clamd.ctl")
    assert scan("uploads/a", b"x") == Verdict("infected", "Win.Test.Thing")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:3310", "tcp://127.0.0.1", "tcp://:3310", "unix://", "3310"]
)
def test_unusable_clamd_url_is_an_error(settings, url):
    settings.GALLERY_SCANNER = "clamd"
    settings.GALLERY_CLAMD_URL = url
    verdict = scan("uploads/a", b"x")
    assert verdict.outcome == "error"
    assert "GALLERY_CLAMD_URL" in verdict.detail


# --------------------------------------------------------------------------- system checks
def test_unknown_scanner_fails_the_system_check(settings):
    settings.GALLERY_SCANNER = "clamdd"
    [error] = checks.check_scanner(None)
    assert error.id == "gallery.E005"
    assert "clamdd" in error.msg


@pytest.mark.parametrize("name", scanning.SCANNERS)
def test_known_scanners_pass_the_system_check(settings, name):
    settings.GALLERY_SCANNER = name
    settings.GALLERY_CLAMD_URL = "tcp://127.0.0.1:3310"
    assert checks.check_scanner(None) == []


def test_unusable_clamd_url_fails_the_system_check(settings):
    settings.GALLERY_SCANNER = "clamd"
    settings.GALLERY_CLAMD_URL = "127.0.0.1:3310"
    [error] = checks.check_scanner(None)
    assert error.id == "gallery.E006"


# --------------------------------------------------------------------------- BucketAV
def sns_event(*messages, raw=None) -> dict:
    """An SNS event as Lambda receives it, one record per BucketAV message."""
    records = []
    for message in messages:
        body = raw if raw is not None else json.dumps(message)
        records.append(
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": "arn:aws:sns:eu-west-1:111122223333:bucketav-FindingsTopic-1A2B3C:5f0e",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                    "TopicArn": "arn:aws:sns:eu-west-1:111122223333:bucketav-FindingsTopic-1A2B3C",
                    "Subject": None,
                    "Message": body,
                    "Timestamp": "2026-11-28T04:00:00.000Z",
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "https://sns.eu-west-1.amazonaws.com/cert.pem",
                    "UnsubscribeUrl": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
                    "MessageAttributes": {
                        "status": {"Type": "String", "Value": str(message.get("status"))},
                        "bucket": {"Type": "String", "Value": str(message.get("bucket"))},
                    },
                },
            }
        )
    return {"Records": records}


def bucketav(status, key="uploads/0f3c/photo.jpg", **extra) -> dict:
    return {
        "bucket": "imageplatform-staging-media",
        "key": key,
        "version": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
        "status": status,
        "action": "no",
        "trace_id": "1-5f84c7a6-3c5b2b5f2b4f3c4a5b6c7d8e",
        **extra,
    }


def test_bucketav_clean():
    assert findings_from_bucketav(sns_event(bucketav("clean"))) == [
        Finding("imageplatform-staging-media", "uploads/0f3c/photo.jpg", "clean")
    ]


def test_bucketav_infected_names_the_finding():
    [finding] = findings_from_bucketav(sns_event(bucketav("infected", finding="Eicar-Test-Signature")))
    assert finding.outcome == "infected"
    assert finding.detail == "Eicar-Test-Signature"


def test_bucketav_infected_without_a_name_is_still_infected():
    [finding] = findings_from_bucketav(sns_event(bucketav("infected")))
    assert finding.outcome == "infected"
    assert finding.detail


def test_bucketav_unscannable_file_is_unsupported():
    """BucketAV's status "no": it could not scan the file (too large, encrypted...)."""
    [finding] = findings_from_bucketav(sns_event(bucketav("no")))
    assert finding.outcome == "unsupported"
    assert finding.detail


def test_bucketav_several_records_and_keys_as_stored():
    event = sns_event(
        bucketav("clean", key="uploads/a b+c%20.jpg"), bucketav("infected", key="uploads/x", finding="T")
    )
    assert [(f.key, f.outcome) for f in findings_from_bucketav(event)] == [
        ("uploads/a b+c%20.jpg", "clean"),
        ("uploads/x", "infected"),
    ]


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"Records": []},
        {"Records": "nope"},
        {"Records": [{}]},
        {"Records": [{"Sns": {"Message": None}}]},
        {"Records": [{"Sns": {"Message": {"bucket": "b"}}}]},
        [],
        None,
        sns_event({"status": "clean"}, raw="not json"),
        sns_event({"status": "clean"}, raw="[1, 2]"),
        sns_event({"status": "clean"}, raw='"clean"'),
        sns_event(bucketav("clean", key="")),
        sns_event({k: v for k, v in bucketav("clean").items() if k != "key"}),
        sns_event({k: v for k, v in bucketav("clean").items() if k != "bucket"}),
        sns_event({k: v for k, v in bucketav("clean").items() if k != "status"}),
        sns_event(bucketav("CLEAN")),
        sns_event(bucketav("suspicious")),
        sns_event(bucketav(["clean"])),
        sns_event(bucketav("clean", key=42)),
    ],
)
def test_bucketav_malformed_messages_raise_malformed_finding(event):
    with pytest.raises(MalformedFinding) as exc:
        findings_from_bucketav(event)
    assert str(exc.value)


def test_one_malformed_record_spoils_the_event():
    """Nothing is half-applied: the caller logs and lets SNS retry, nothing passes."""
    event = sns_event(bucketav("clean"))
    event["Records"].append(sns_event(bucketav("clean"), raw="{")["Records"][0])
    with pytest.raises(MalformedFinding, match="record 1"):
        findings_from_bucketav(event)


# --------------------------------------------------------------------------- GuardDuty
def guardduty(result, scan_status="COMPLETED", threats=None, key="uploads/0f3c/photo.jpg") -> dict:
    """An EventBridge event as GuardDuty Malware Protection for S3 publishes it."""
    details = {"scanResultStatus": result}
    if threats is not None:
        details["threats"] = threats
    return {
        "version": "0",
        "id": "72c7d362-737a-6dce-fc78-9e27a0171419",
        "detail-type": GUARDDUTY_DETAIL_TYPE,
        "source": "aws.guardduty",
        "account": "111122223333",
        "time": "2026-11-28T04:00:00Z",
        "region": "eu-west-1",
        "resources": [
            "arn:aws:guardduty:eu-west-1:111122223333:malware-protection-plan/b4c7f464ab3a4EXAMPLE"
        ],
        "detail": {
            "schemaVersion": "1.0",
            "scanStatus": scan_status,
            "resourceType": "S3_OBJECT",
            "s3ObjectDetails": {
                "bucketName": "imageplatform-staging-media",
                "objectKey": key,
                "eTag": "0e7ea7dd1e1c8ac28a89c3b1e7ba9a52",
                "versionId": "d41d8cd98f00b204e9800998ecf8427e",
                "s3Throttled": False,
            },
            "scanResultDetails": details,
        },
    }


def test_guardduty_no_threats_is_clean():
    assert findings_from_guardduty(guardduty("NO_THREATS_FOUND")) == [
        Finding("imageplatform-staging-media", "uploads/0f3c/photo.jpg", "clean")
    ]


def test_guardduty_threats_are_infected_with_their_names():
    threats = [{"name": "EICAR-Test-File (not a virus)"}, {"name": "Trojan.Thing"}]
    [finding] = findings_from_guardduty(guardduty("THREATS_FOUND", threats=threats))
    assert finding == Finding(
        "imageplatform-staging-media",
        "uploads/0f3c/photo.jpg",
        "infected",
        "EICAR-Test-File (not a virus), Trojan.Thing",
    )


@pytest.mark.parametrize("threats", [None, [], [{}], "EICAR", [{"name": 3}]])
def test_guardduty_threats_found_without_usable_names_is_still_infected(threats):
    [finding] = findings_from_guardduty(guardduty("THREATS_FOUND", threats=threats))
    assert finding.outcome == "infected"
    assert finding.detail == "unnamed threat"


def test_guardduty_unsupported_object():
    [finding] = findings_from_guardduty(guardduty("UNSUPPORTED", scan_status="SKIPPED"))
    assert finding.outcome == "unsupported"
    assert finding.detail


@pytest.mark.parametrize(("result", "scan_status"), [("FAILED", "FAILED"), ("ACCESS_DENIED", "SKIPPED")])
def test_guardduty_failed_or_denied_scan_is_an_error_to_retry(result, scan_status):
    [finding] = findings_from_guardduty(guardduty(result, scan_status=scan_status))
    assert finding.outcome == "error"
    assert finding.detail


def test_guardduty_key_is_taken_as_stored():
    [finding] = findings_from_guardduty(guardduty("NO_THREATS_FOUND", key="uploads/a b+c%20.jpg"))
    assert finding.key == "uploads/a b+c%20.jpg"


def _without(event: dict, *path: str) -> dict:
    event = json.loads(json.dumps(event))
    target = event
    for name in path[:-1]:
        target = target[name]
    del target[path[-1]]
    return event


@pytest.mark.parametrize(
    "event",
    [
        {},
        None,
        [],
        {**guardduty("NO_THREATS_FOUND"), "detail-type": "GuardDuty Finding"},
        {**guardduty("NO_THREATS_FOUND"), "source": "aws.s3"},
        _without(guardduty("NO_THREATS_FOUND"), "detail-type"),
        _without(guardduty("NO_THREATS_FOUND"), "detail"),
        _without(guardduty("NO_THREATS_FOUND"), "detail", "s3ObjectDetails"),
        _without(guardduty("NO_THREATS_FOUND"), "detail", "s3ObjectDetails", "objectKey"),
        _without(guardduty("NO_THREATS_FOUND"), "detail", "s3ObjectDetails", "bucketName"),
        _without(guardduty("NO_THREATS_FOUND"), "detail", "scanResultDetails"),
        _without(guardduty("NO_THREATS_FOUND"), "detail", "scanResultDetails", "scanResultStatus"),
        {**guardduty("NO_THREATS_FOUND"), "detail": "NO_THREATS_FOUND"},
        guardduty("CLEAN"),
        guardduty(None),
        guardduty("NO_THREATS_FOUND", key=""),
        guardduty("NO_THREATS_FOUND", key=["uploads/a"]),
    ],
)
def test_guardduty_malformed_events_raise_malformed_finding(event):
    with pytest.raises(MalformedFinding) as exc:
        findings_from_guardduty(event)
    assert str(exc.value)


def test_malformed_finding_is_a_value_error():
    assert issubclass(MalformedFinding, ValueError)
