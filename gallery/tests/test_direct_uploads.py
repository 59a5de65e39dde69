"""Direct uploads as a client makes them: POST /api/v1/uploads, the file POSTed to the
bucket with the presigned form, then /complete (locally) or the S3 event (in AWS).

Runs on moto and, marked integration, on the local S3 server, where the form really goes
over HTTP to s3rver (which checks no POST policy: the pipeline's own checks are what stop
a bad file there)."""

import base64
import json
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.core.management import call_command

from accounts.services import token_create
from gallery import scanning, storage
from gallery.models import ImageItem
from gallery.services import uploads
from imageplatform import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, user, stores):
    token = token_create(user=user, name="test").token
    headers = {"Authorization": f"Bearer {token}"}

    class Api:
        def start(self, **body):
            body = {"filename": "photo.jpg", "size": 1000, "content_type": "image/jpeg", **body}
            return client.post("/api/v1/uploads", body, content_type="application/json", headers=headers)

        def complete(self, image_id):
            return client.post(f"/api/v1/uploads/{image_id}/complete", headers=headers)

        def get(self, image_id):
            return client.get(f"/api/v1/images/{image_id}", headers=headers)

        def send(self, started, data: bytes, content_type=None):
            """The browser's part: the form fields as given, the file last."""
            fields = dict(started["upload"]["fields"])
            if content_type:
                fields["Content-Type"] = content_type
            answer = requests.post(
                started["upload"]["url"],
                data=fields,
                files={"file": ("photo", data, fields.get("Content-Type", "image/jpeg"))},
                timeout=60,
            )
            assert answer.status_code in (200, 201, 204), answer.text
            return answer

        def upload(self, data: bytes, **body):
            started = self.start(size=len(data), **body)
            assert started.status_code == 201, started.json()
            self.send(started.json(), data)
            return started.json()

    return Api()


def s3_event(key: str, bucket: str | None = None) -> dict:
    """An ObjectCreated notification as S3 sends it (the key URL-encoded)."""
    from urllib.parse import quote_plus

    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventName": "ObjectCreated:Post",
                "s3": {
                    "bucket": {"name": bucket or storage.media_storage().bucket_name},
                    "object": {"key": quote_plus(key), "size": 1},
                },
            }
        ]
    }


def keys_of(image_id: str) -> list[str]:
    return [
        k
        for kind in ("uploads", "quarantine", "originals", "renditions")
        for k in storage.list_keys(f"{storage.prefix(kind)}{image_id}/")
    ]


# --------------------------------------------------------------------------- the form
def test_the_presigned_post_allows_exactly_one_key_size_range_and_image_type(api, settings):
    settings.GALLERY_MAX_UPLOAD_BYTES = 30_000_000
    settings.GALLERY_UPLOAD_EXPIRES = 600
    answer = api.start(size=12345, content_type="image/png", title="Beach")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "awaiting_upload"
    fields = body["upload"]["fields"]
    assert fields["key"] == f"uploads/{body['id']}/upload"
    assert fields["Content-Type"] == "image/png"
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 30_000_000] in conditions
    assert ["starts-with", "$Content-Type", "image/"] in conditions
    assert {"key": fields["key"]} in conditions
    assert {"bucket": settings.GALLERY_BUCKET} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert timedelta(seconds=590) < expires - datetime.now(UTC) <= timedelta(seconds=600)
    assert abs(datetime.fromisoformat(body["expires_at"]) - expires) < timedelta(seconds=5)
    assert api.get(body["id"]).json()["status"] == "awaiting_upload"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"size": 0}, 400, None),
        ({"size": 60 * 1024 * 1024}, 400, "file_too_large"),
        ({"content_type": "text/html"}, 400, "unsupported_format"),
        ({"content_type": "image/"}, 400, "unsupported_format"),
        ({"content_type": "image/png\r\nX-Evil: 1"}, 400, "unsupported_format"),
        ({"size": "lots"}, 400, None),
        ({"visibility": "everyone"}, 400, None),
        ({"title": "\ud800"}, 400, None),
    ],
)
def test_out_of_bounds_declarations_are_refused_before_anything_is_stored(api, body, status, code):
    answer = api.start(**body)
    assert answer.status_code == status, answer.content
    assert answer.json()["detail"]
    if code:
        assert answer.json()["error"] == code
    assert list(ImageItem.scan()) == []


def test_completing_before_the_file_arrived_is_a_409_and_changes_nothing(api):
    started = api.start().json()
    answer = api.complete(started["id"])
    assert answer.status_code == 409 and answer.json()["error"] == "upload_missing"
    assert api.get(started["id"]).json()["status"] == "awaiting_upload"


def test_someone_elses_upload_cannot_be_completed(api, client, other_user):
    started = api.start().json()
    token = token_create(user=other_user, name="t").token
    answer = client.post(
        f"/api/v1/uploads/{started['id']}/complete", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 404


# --------------------------------------------------------------------------- the path
def test_a_photo_goes_to_the_bucket_and_comes_out_ready(api, photo):
    data = photo("dune_orientation6.jpg")
    started = api.upload(data, title="Hills", visibility="unlisted")
    done = api.complete(started["id"])
    assert done.status_code == 202 and done.json() == {"id": started["id"], "status": "ready"}
    image = api.get(started["id"]).json()
    assert image["status"] == "ready" and image["reason"] is None
    assert image["title"] == "Hills" and image["bytes"] == len(data)
    assert {"thumb", "medium", "large"} <= set(image["renditions"])
    keys = keys_of(started["id"])
    assert not [k for k in keys if k.startswith(("uploads/", "quarantine/"))]
    assert [k for k in keys if k.startswith("originals/")] == [f"originals/{started['id']}/original.jpg"]
    assert storage.read(f"originals/{started['id']}/original.jpg") == data
    # completing again is harmless
    again = api.complete(started["id"])
    assert again.status_code == 202 and again.json()["status"] == "ready"


@pytest.mark.parametrize(
    ("payload", "declared", "code_in_reason"),
    [
        (b"<html><script>alert(1)</script></html>" * 10, "image/jpeg", "not a picture"),
        (b"GIF89a" + b"\x00" * 40, "image/gif", "cannot be read"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png", "not a picture"),
    ],
)
def test_non_images_and_mislabelled_files_are_rejected_with_nothing_kept(
    api, payload, declared, code_in_reason
):
    started = api.start(size=len(payload), content_type=declared).json()
    api.send(started, payload)
    done = api.complete(started["id"])
    assert done.status_code == 202 and done.json()["status"] == "rejected"
    image = api.get(started["id"]).json()
    assert image["status"] == "rejected" and code_in_reason.lower() in image["reason"].lower()
    assert keys_of(started["id"]) == []


def test_a_file_larger_than_the_limit_is_rejected_after_upload(api, settings, make_jpeg):
    """The form said at most N bytes; a local S3 server does not check, so the pipeline does."""
    data = make_jpeg(800, 600)
    started = api.start(size=1000).json()
    settings.GALLERY_MAX_UPLOAD_BYTES = 1000  # the file sent is bigger than the policy allowed
    api.send(started, data)
    assert api.complete(started["id"]).json()["status"] == "rejected"
    assert "limit" in api.get(started["id"]).json()["reason"]
    assert keys_of(started["id"]) == []


def test_an_image_with_too_many_pixels_is_rejected(api, settings, make_jpeg):
    settings.GALLERY_MAX_PIXELS = 1000
    data = make_jpeg(100, 100)
    started = api.upload(data)
    assert api.complete(started["id"]).json()["status"] == "rejected"
    assert keys_of(started["id"]) == []


# --------------------------------------------------------------------------- events
def test_the_s3_event_runs_the_pipeline_and_a_duplicate_does_nothing(api, settings, make_jpeg, caplog):
    settings.GALLERY_UPLOAD_EVENTS = True
    started = api.upload(make_jpeg())
    # in AWS the completion call only checks the file is there
    assert api.complete(started["id"]).json()["status"] == "awaiting_upload"
    key = started["upload"]["fields"]["key"]
    result = events.handle(s3_event(key))
    assert result["handled"] and result["result"] == {"records": 1, "skipped": 0}
    assert api.get(started["id"]).json()["status"] == "ready"
    version = ImageItem.get(started["id"]).version
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="gallery.services.uploads"):
        events.handle(s3_event(key))
    assert ImageItem.get(started["id"]).version == version
    skipped = [r.getMessage() for r in caplog.records if r.name == "gallery.services.uploads"]
    assert skipped == ["upload event skipped: already received or unknown"]


def test_the_event_before_the_completion_call(api, make_jpeg):
    started = api.upload(make_jpeg())
    events.handle(s3_event(started["upload"]["fields"]["key"]))
    assert api.get(started["id"]).json()["status"] == "ready"
    done = api.complete(started["id"])
    assert done.status_code == 202 and done.json()["status"] == "ready"


def test_events_for_unknown_keys_or_other_buckets_are_skipped(api, make_jpeg, caplog):
    started = api.upload(make_jpeg())
    key = started["upload"]["fields"]["key"]
    with caplog.at_level(logging.INFO):
        assert events.handle(s3_event("uploads/nobody/upload"))["result"] == {"records": 1, "skipped": 0}
        assert events.handle(s3_event(key, bucket="someone-else"))["result"] == {"records": 0, "skipped": 1}
        assert events.handle(s3_event("originals/x/original.jpg"))["result"] == {"records": 0, "skipped": 1}
    assert api.get(started["id"]).json()["status"] == "awaiting_upload"
    assert any("already received or unknown" in r.getMessage() for r in caplog.records)


# On the local DynamoDB server only: moto's conditional writes are not atomic across
# threads (both racers can pass the condition there), dynalite's and DynamoDB's are.
@pytest.mark.integration
@pytest.mark.parametrize("stores", ["local"], indirect=True)
def test_the_completion_call_racing_the_event_processes_once(api, make_jpeg, monkeypatch):
    from gallery.services import pipeline

    started = api.upload(make_jpeg())
    runs = []
    real = pipeline.run_pipeline
    monkeypatch.setattr(pipeline, "run_pipeline", lambda *a, **k: runs.append(1) or real(*a, **k))
    barrier = threading.Barrier(2)
    results = []

    def deliver(call):
        barrier.wait()
        results.append(call())

    threads = [
        threading.Thread(target=deliver, args=(lambda: uploads.upload_received(image_id=started["id"]),)),
        threading.Thread(
            target=deliver, args=(lambda: events.handle(s3_event(started["upload"]["fields"]["key"])),)
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(runs) == 1
    assert api.get(started["id"]).json()["status"] == "ready"


def test_a_failed_pipeline_is_brought_forward_by_reprocess(api, make_jpeg, monkeypatch, capsys):
    from gallery.services import pipeline

    started = api.upload(make_jpeg())
    real = pipeline.run_pipeline

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "run_pipeline", broken)
    with pytest.raises(OSError):
        uploads.upload_received(image_id=started["id"])
    image = api.get(started["id"]).json()
    assert image["status"] == "failed" and "OSError" in image["reason"]
    monkeypatch.setattr(pipeline, "run_pipeline", real)
    call_command("reprocess", "--", started["id"])  # ids may start with "-"
    assert f"{started['id']}: ready" in capsys.readouterr().out
    assert api.get(started["id"]).json()["status"] == "ready"


# --------------------------------------------------------------------------- scanning
def _scanner(monkeypatch, *verdicts):
    """The configured scanner answers these verdicts in turn."""
    answers = list(verdicts)
    monkeypatch.setattr(scanning, "scan", lambda key, data: answers.pop(0))


def test_an_infected_file_is_quarantined_and_never_served(api, make_jpeg, monkeypatch):
    _scanner(monkeypatch, scanning.Verdict("infected", "Eicar-Signature"))
    started = api.upload(make_jpeg())
    assert api.complete(started["id"]).json()["status"] == "quarantined"
    image = api.get(started["id"]).json()
    assert image["reason"] == "Malware found: Eicar-Signature"
    assert image["renditions"] == {} and image["original_url"] is None
    assert keys_of(started["id"]) == [f"quarantine/{started['id']}/upload"]
    assert ImageItem.get(started["id"]).moderation_state == "quarantined"


def test_a_scan_error_never_lets_the_file_through_and_is_retried(api, make_jpeg, monkeypatch):
    _scanner(monkeypatch, scanning.Verdict("error", "timed out"), scanning.Verdict("clean"))
    started = api.upload(make_jpeg())
    assert api.complete(started["id"]).json()["status"] == "scanning"
    image = api.get(started["id"]).json()
    assert "timed out" in image["reason"] and image["renditions"] == {}
    assert not [k for k in keys_of(started["id"]) if k.startswith(("originals/", "renditions/"))]
    uploads.image_reprocess(image_id=started["id"])
    assert api.get(started["id"]).json()["status"] == "ready"


@pytest.mark.parametrize("outcome", ["clean", "infected", "unsupported", "error"])
def test_an_external_scanners_finding_decides(api, settings, make_jpeg, outcome):
    settings.GALLERY_SCANNER = "bucketav"
    started = api.upload(make_jpeg())
    key = started["upload"]["fields"]["key"]
    assert api.complete(started["id"]).json()["status"] == "scanning"
    assert api.get(started["id"]).json()["reason"] == "Waiting for the malware scanner."
    uploads.upload_scanned(key=key, outcome=outcome, detail="Win.Test.EICAR_HDB-1")
    expected = {"clean": "ready", "infected": "quarantined", "unsupported": "rejected", "error": "scanning"}
    assert api.get(started["id"]).json()["status"] == expected[outcome]
    # the same finding again changes nothing
    version = ImageItem.get(started["id"]).version
    if outcome != "error":
        uploads.upload_scanned(key=key, outcome=outcome)
        assert ImageItem.get(started["id"]).version == version


def test_a_finding_before_the_s3_event_counts_as_the_arrival(api, settings, make_jpeg):
    settings.GALLERY_SCANNER = "guardduty"
    settings.GALLERY_UPLOAD_EVENTS = True
    started = api.upload(make_jpeg())
    key = started["upload"]["fields"]["key"]
    uploads.upload_scanned(key=key, outcome="clean")
    assert api.get(started["id"]).json()["status"] == "ready"
    events.handle(s3_event(key))  # the late event finds nothing to do
    assert api.get(started["id"]).json()["status"] == "ready"


# --------------------------------------------------------------------------- leftovers
def test_abandoned_uploads_are_swept_by_repair(api, settings, make_jpeg):
    from imageplatform.repair import repair

    settings.GALLERY_UPLOAD_EXPIRES = 60
    never_sent = api.start().json()
    sent_not_completed = api.upload(make_jpeg())
    fresh = api.start().json()
    old = datetime.now(UTC) - timedelta(hours=2)
    for image_id in (never_sent["id"], sent_not_completed["id"]):
        item = ImageItem.get(image_id)
        item.created_at = old
        item.save()
    report = repair(apply=False)
    assert report.found["abandoned uploads"] == 2
    report = repair(apply=True)
    assert report.fixed["abandoned uploads"] == 2 and not report.failed
    assert {i.id for i in ImageItem.scan()} == {fresh["id"]}
    assert keys_of(sent_not_completed["id"]) == []


def test_the_inline_upload_points_at_direct_uploads_past_its_limit(client, user, stores, settings, make_jpeg):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.GALLERY_MAX_INLINE_UPLOAD_BYTES = 1000
    token = token_create(user=user, name="t").token
    answer = client.post(
        "/api/v1/images",
        {"file": SimpleUploadedFile("big.jpg", make_jpeg(800, 600))},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 413
    assert "/api/v1/uploads" in answer.json()["detail"]


@pytest.mark.integration
def test_a_30_mb_photo_through_the_api_on_the_local_servers(client, user, local_stores, settings):
    """Over the Lambda request limit by five times: through the bucket it is fine."""
    import io
    import random

    from PIL import Image

    width, height = 4500, 3400
    noise = random.Random(3).randbytes(width * height * 3)
    buf = io.BytesIO()
    Image.frombytes("RGB", (width, height), noise).save(buf, "JPEG", quality=100)
    data = buf.getvalue()
    assert len(data) > 28 * 1024 * 1024
    token = token_create(user=user, name="t").token
    headers = {"Authorization": f"Bearer {token}"}
    started = client.post(
        "/api/v1/uploads",
        {"filename": "camera.jpg", "size": len(data), "content_type": "image/jpeg"},
        content_type="application/json",
        headers=headers,
    ).json()
    fields = started["upload"]["fields"]
    sent = requests.post(
        started["upload"]["url"], data=fields, files={"file": ("camera.jpg", data)}, timeout=120
    )
    assert sent.status_code in (200, 201, 204), sent.text
    done = client.post(f"/api/v1/uploads/{started['id']}/complete", headers=headers)
    assert done.status_code == 202 and done.json()["status"] == "ready"
    image = client.get(f"/api/v1/images/{started['id']}", headers=headers).json()
    assert (image["width"], image["height"], image["bytes"]) == (width, height, len(data))
    assert image["renditions"]["large"]["width"] == 2048
    assert storage.list_keys(f"uploads/{started['id']}/") == []


# --------------------------------------------------------------------------- inline + scanner
def _inline(client, user, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    token = token_create(user=user, name="inline").token
    return client.post(
        "/api/v1/images",
        {"file": SimpleUploadedFile("small.jpg", data)},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_an_inline_upload_is_scanned_and_an_infected_file_never_stored(
    client, user, stores, settings, make_jpeg, monkeypatch
):
    settings.GALLERY_SCANNER = "clamd"
    _scanner(monkeypatch, scanning.Verdict("infected", "Eicar-Test-Signature"))
    answer = _inline(client, user, make_jpeg())
    assert answer.status_code == 422 and answer.json()["error"] == "malware_found"
    assert "Eicar-Test-Signature" in answer.json()["detail"]
    assert list(ImageItem.scan()) == []
    assert storage.list_keys("") == []


def test_an_inline_upload_waits_when_the_scanner_does_not_answer(
    client, user, stores, settings, make_jpeg, monkeypatch
):
    settings.GALLERY_SCANNER = "clamd"
    _scanner(monkeypatch, scanning.Verdict("error", "connection refused"))
    answer = _inline(client, user, make_jpeg())
    assert answer.status_code == 503 and answer.json()["error"] == "scanner_unavailable"
    assert list(ImageItem.scan()) == []


def test_an_inline_upload_with_an_external_scanner_waits_for_its_finding(
    client, user, stores, settings, make_jpeg
):
    settings.GALLERY_SCANNER = "guardduty"
    answer = _inline(client, user, make_jpeg())
    assert answer.status_code == 201 and answer.json()["status"] == "scanning"
    image_id = answer.json()["id"]
    assert storage.list_keys("originals/") == []
    uploads.upload_scanned(key=storage.upload_key(image_id), outcome="clean")
    assert ImageItem.get(image_id).status == "ready"
    assert storage.list_keys("uploads/") == []


def test_findings_through_the_sqs_queue(api, settings, make_jpeg):
    """In AWS, BucketAV's SNS message or GuardDuty's event arrive as an SQS record's body."""
    settings.GALLERY_SCANNER = "bucketav"
    started = api.upload(make_jpeg())
    api.complete(started["id"])
    message = {
        "bucket": settings.GALLERY_BUCKET,
        "key": started["upload"]["fields"]["key"],
        "status": "clean",
    }
    envelope = {
        "Type": "Notification",
        "TopicArn": "arn:aws:sns:us-east-1:1:bucketav",
        "Message": json.dumps(message),
    }
    event = {
        "Records": [
            {
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:1:scan-findings",
                "body": json.dumps(envelope),
            },
            {
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:1:scan-findings",
                "body": "not json",
            },
        ]
    }
    result = events.handle(event)
    assert result["kind"] == "sqs:scan-findings"
    assert result["result"] == {"findings": 1, "skipped": 0, "malformed": 1}
    assert api.get(started["id"]).json()["status"] == "ready"


# --------------------------------------------------------------------------- the page's endpoints
def test_the_upload_page_endpoints_take_the_same_path(client, user, other_user, stores, make_jpeg):
    start = "/upload/start/"
    body = {"filename": "a.jpg", "size": 10, "content_type": "image/jpeg"}
    anonymous = client.post(start, body, content_type="application/json")
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "not_authenticated"
    client.force_login(user)
    assert client.post(start, b"[1]", content_type="application/json").status_code == 400
    assert client.post(start, b"{", content_type="application/json").status_code == 400
    assert client.post(start, {**body, "size": "10"}, content_type="application/json").status_code == 400
    too_big = client.post(start, {**body, "size": 10**12}, content_type="application/json")
    assert too_big.status_code == 413 and "limit" in too_big.json()["detail"]
    data = make_jpeg()
    started = client.post(start, {**body, "size": len(data)}, content_type="application/json").json()
    early = client.post(f"/upload/{started['id']}/complete/")
    assert early.status_code == 409 and early.json()["error"] == "upload_missing"
    requests.post(
        started["upload"]["url"], data=started["upload"]["fields"], files={"file": data}, timeout=30
    )
    done = client.post(f"/upload/{started['id']}/complete/")
    assert done.status_code == 202 and done.json()["status"] == "ready" and done.json()["thumb_url"]
    status = client.get(f"/upload/{started['id']}/status/")
    assert status.json()["status"] == "ready" and status["Cache-Control"] == "no-store"
    client.force_login(other_user)
    assert client.get(f"/upload/{started['id']}/status/").status_code == 404
    assert client.post(f"/upload/{started['id']}/complete/").status_code == 404
