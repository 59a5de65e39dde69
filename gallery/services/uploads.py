"""Direct uploads: the bytes go from the browser straight to the bucket, then the pipeline.

    upload_create    record status=awaiting_upload + a presigned POST for uploads/<id>/upload
    (browser POSTs the file to the bucket)
    upload_complete  the client says it is done; locally this runs upload_received
    S3 ObjectCreated -> upload_received (imageplatform.events, in AWS)
      awaiting_upload -> scanning      (conditional: only one caller gets past here)
      scan (gallery.scanning): clean -> go on; infected -> quarantined; error -> stays
      scanning with the reason (retried by repair/reprocess); deferred -> the external
      scanner's finding arrives later (upload_scanned)
      real size and format checked from the bytes -> rejected, with the reason
      scanning -> processing           (conditional; the original moves to originals/)
      the pipeline (image_process)    -> ready, or failed

Every transition is a conditional write on the status, so a duplicate or late event, the
completion call racing the event, or a retry does nothing harmful: the loser logs one
line and returns the record as it is. Refused files never leave anything under
``originals/`` or ``renditions/``; their record stays, with the reason, for the owner.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from pynamodb.exceptions import UpdateError

from gallery import renditions, scanning, storage
from gallery.exceptions import (
    EmptyFile,
    FileTooLarge,
    GalleryError,
    ImageNotFound,
    InvalidImage,
    UnsupportedFormat,
)
from gallery.models import ImageItem
from gallery.services.pipeline import _new_id, image_process, limits, mark_failed
from gallery.services.records import Image, change_image, get_item, now, queue_if_shared, to_image
from gallery.services.text import clean_filename, clean_title, clean_visibility
from imageplatform import metrics

log = logging.getLogger(__name__)

CONTENT_TYPE = re.compile(r"image/[a-z0-9][a-z0-9.+-]{0,62}")
# Direct uploads in these states are still on their way; `repair` looks after them.
UPLOAD_STATES = ("awaiting_upload", "scanning", "processing")


class _MovedOn(Exception):
    """The record left the state a step expected (another delivery got there first)."""


class UploadMissing(GalleryError):
    code = "upload_missing"
    status = 409
    default_detail = (
        "The file has not arrived in the bucket yet: POST it to upload.url with upload.fields first."
    )


class NotADirectUpload(GalleryError):
    code = "not_found"
    status = 404
    default_detail = "No such upload."


@dataclass(frozen=True)
class DirectUpload:
    image: Image
    url: str
    fields: dict[str, str]
    expires_at: datetime


# --------------------------------------------------------------------------- create
def upload_create(
    *,
    owner: str,
    filename: str,
    size: int,
    content_type: str,
    title: str = "",
    visibility: str = "private",
) -> DirectUpload:
    """A record waiting for its bytes and the presigned POST that sends them. Refused at
    once, before anything is stored, when the declared size or type is out of bounds."""
    title = clean_title(title)
    visibility = clean_visibility(visibility) or "private"
    filename = clean_filename(filename)
    limit = settings.GALLERY_MAX_UPLOAD_BYTES
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise EmptyFile("The declared size must be a whole number of bytes, at least 1.")
    if size > limit:
        raise FileTooLarge(f"The file is {size:,} bytes; the limit is {limit:,} bytes.")
    content_type = (content_type or "").strip().lower()
    if not CONTENT_TYPE.fullmatch(content_type):
        raise UnsupportedFormat("Only images can be uploaded: content_type must be image/<type>.")

    image_id = _new_id()
    created = now()
    expires = created + timedelta(seconds=settings.GALLERY_UPLOAD_EXPIRES)
    key = storage.upload_key(image_id)
    item = ImageItem(
        image_id,
        owner=owner,
        created_at=created,
        updated_at=created,
        title=title,
        original_filename=filename,
        visibility=visibility,
        status="awaiting_upload",
        attention="awaiting_upload",
        original_key=key,
        mime=content_type,
        size=size,
        renditions={},
        upload_expires_at=expires,
    )
    item.save(condition=ImageItem.id.does_not_exist())
    post = storage.presigned_post(
        key, content_type, max_bytes=limit, expires_in=settings.GALLERY_UPLOAD_EXPIRES
    )
    metrics.count("upload.direct.created")
    return DirectUpload(
        image=to_image(item, with_urls=False), url=post["url"], fields=post["fields"], expires_at=expires
    )


def upload_inline(*, owner: str, data: bytes, filename: str, title: str, visibility: str) -> Image:
    """A file sent through the web request while an external scanner (BucketAV, GuardDuty)
    is on: it goes where that scanner looks (``uploads/``) with a record already
    ``scanning``; the finding then runs the pipeline as for a direct upload."""
    image_id = _new_id()
    created = now()
    key = storage.upload_key(image_id)
    item = ImageItem(
        image_id,
        owner=owner,
        created_at=created,
        updated_at=created,
        title=title,
        original_filename=filename,
        visibility=visibility,
        status="scanning",
        attention="scanning",
        reason="Waiting for the malware scanner.",
        original_key=key,
        size=len(data),
        renditions={},
    )
    item.save(condition=ImageItem.id.does_not_exist())
    try:
        storage.put_quarantined(key, data)  # opaque until scanned and checked
    except Exception:
        item.delete(add_version_condition=False)
        raise
    metrics.count("upload.inline_scanning")
    return to_image(item, with_urls=False)


# --------------------------------------------------------------------------- complete
def upload_complete(*, image_id: str, owner: str) -> Image:
    """The client has sent the file. Where S3 announces new objects (GALLERY_UPLOAD_EVENTS,
    in AWS) the event runs the pipeline and this only checks the file is there; locally,
    where nothing announces it, this runs the same function the event would."""
    item = get_item(image_id, owner)
    if item.status != "awaiting_upload":
        return to_image(item)  # already received: completing twice is harmless
    if storage.head(item.original_key) is None:
        raise UploadMissing
    if settings.GALLERY_UPLOAD_EVENTS:
        return to_image(item)
    return upload_received(image_id=image_id, source="complete")


# --------------------------------------------------------------------------- transitions
def _transition(image_id: str, frm: tuple[str, ...], to: str, *actions) -> bool:
    """status: one of ``frm`` -> ``to`` (plus ``actions``), as one conditional write. False
    when the record is gone or in another state (someone else got there first)."""
    try:
        ImageItem(image_id).update(
            actions=[
                ImageItem.status.set(to),
                ImageItem.attention.set(to) if to in UPLOAD_STATES else ImageItem.attention.remove(),
                ImageItem.updated_at.set(now()),
                *actions,
            ],
            condition=ImageItem.id.exists() & ImageItem.status.is_in(*frm),
            add_version_condition=False,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _current(image_id: str) -> Image | None:
    try:
        return to_image(get_item(image_id))
    except ImageNotFound:
        return None


def _skip(image_id: str, source: str, what: str) -> Image | None:
    """One log line for a delivery that found nothing to do, and the record as it is."""
    image = _current(image_id)
    log.info(
        "upload event skipped: %s",
        what,
        extra={"image_id": image_id, "source": source, "status": image.status if image else None},
    )
    return image


def upload_received(*, image_id: str, source: str = "event") -> Image | None:
    """The file is in the bucket: awaiting_upload -> scanning, then scan and process. A
    second delivery (the event after the completion call, a redelivered event) finds the
    status moved on and does nothing."""
    if not _transition(
        image_id, ("awaiting_upload",), "scanning", ImageItem.reason.set("Checking the file.")
    ):
        return _skip(image_id, source, "already received or unknown")
    return _scan_and_process(image_id, source)


def upload_rescan(*, image_id: str, source: str = "repair") -> Image | None:
    """Run the scan again for an image still ``scanning`` (the scanner failed or timed out)."""
    image = _current(image_id)
    if image is None or image.status != "scanning":
        return _skip(image_id, source, "not waiting for a scan")
    return _scan_and_process(image_id, source)


def _scan_and_process(image_id: str, source: str) -> Image | None:
    item = get_item(image_id)
    key = storage.upload_key(image_id)
    size = storage.head(key)
    if size is None:
        return _reject(image_id, "The uploaded file is gone; upload it again.", "upload_missing")
    limit = settings.GALLERY_MAX_UPLOAD_BYTES
    if size > limit:  # the POST policy said so too, but a local S3 server enforces nothing
        return _reject(
            image_id, f"The file is {size:,} bytes; the limit is {limit:,} bytes.", FileTooLarge.code
        )
    data = storage.read(key)
    with metrics.timed("pipeline.scan"):
        verdict = scanning.scan(key, data)
    log.info(
        "upload scanned",
        extra={"image_id": image_id, "source": source, "outcome": verdict.outcome, "bytes": len(data)},
    )
    return _apply_verdict(item.id, verdict.outcome, verdict.detail, data)


def _apply_verdict(image_id: str, outcome: str, detail: str, data: bytes | None) -> Image | None:
    if outcome == "clean":
        if data is None:
            data = storage.read(storage.upload_key(image_id))
        return _process(image_id, data)
    if outcome == "infected":
        return _quarantine(image_id, detail or "unnamed threat", data)
    if outcome == "unsupported":
        return _reject(
            image_id,
            f"The malware scanner could not check this file ({detail or 'unsupported'}).",
            "unscannable",
        )
    if outcome == "deferred":
        _transition(
            image_id, ("scanning",), "scanning", ImageItem.reason.set("Waiting for the malware scanner.")
        )
        return _current(image_id)
    # "error" and anything unknown: never let the file through; it stays and is retried
    reason = f"The malware scan did not finish ({detail or 'scanner error'}); it will be tried again."
    _transition(image_id, ("scanning",), "scanning", ImageItem.reason.set(reason[:500]))
    metrics.count("upload.scan_error")
    return _current(image_id)


def upload_scanned(*, key: str, outcome: str, detail: str = "", source: str = "finding") -> Image | None:
    """An external scanner's finding (BucketAV through SNS, GuardDuty through EventBridge).
    A finding may arrive before the S3 event: it then counts as the upload's arrival too."""
    image_id = storage.image_id_from_upload_key(key)
    if image_id is None:
        log.info("scan finding skipped: not an upload key", extra={"key": key[:200], "source": source})
        return None
    if not _transition(
        image_id, ("awaiting_upload",), "scanning", ImageItem.reason.set("Checking the file.")
    ):
        image = _current(image_id)
        if image is None or image.status != "scanning":
            return _skip(image_id, source, f"finding {outcome!r} for an image not being scanned")
    return _apply_verdict(image_id, outcome, detail, None)


# --------------------------------------------------------------------------- outcomes
def _reject(image_id: str, reason: str, code: str) -> Image | None:
    """Refused: nothing kept but the record with the reason (the owner sees why)."""
    storage.delete_keys(storage.image_keys(image_id))
    if not _transition(
        image_id,
        UPLOAD_STATES,
        "rejected",
        ImageItem.reason.set(reason[:500]),
        ImageItem.public_feed.remove(),
    ):
        return _skip(image_id, "reject", "rejected meanwhile")
    metrics.count("upload.rejected", reason=code)
    log.info("upload rejected", extra={"image_id": image_id, "code": code})
    return _current(image_id)


def _quarantine(image_id: str, name: str, data: bytes | None) -> Image | None:
    """Infected: the file moves to quarantine/ (never served), moderators see the image."""
    key = storage.upload_key(image_id)
    if data is None:
        data = storage.read(key)
    storage.put_quarantined(storage.quarantine_key(image_id), data)
    storage.delete_keys([key])
    reason = f"Malware found: {name}"[:500]
    if not _transition(
        image_id,
        UPLOAD_STATES,
        "quarantined",
        ImageItem.reason.set(reason),
        ImageItem.moderation_state.set("quarantined"),
        ImageItem.public_feed.remove(),
    ):
        return _skip(image_id, "quarantine", "quarantined meanwhile")
    metrics.count("upload.quarantined")
    log.warning("upload quarantined", extra={"image_id": image_id, "finding": name[:200]})
    return _current(image_id)


def _process(image_id: str, data: bytes) -> Image | None:
    """Clean bytes: check them for real, keep them as the original, run the pipeline."""
    try:
        with metrics.timed("pipeline.probe"):
            info = renditions.probe(data, limits())
    except InvalidImage as exc:
        return _reject(image_id, exc.detail, exc.code)

    original = storage.original_key(image_id, info.extension)
    storage.put_original(original, data, info.mime)

    def start_processing(item: ImageItem) -> None:
        if item.status != "scanning":
            raise _MovedOn
        item.status, item.attention, item.reason = "processing", "processing", None
        item.original_key = original
        item.format, item.mime, item.size = info.format, info.mime, len(data)
        item.width, item.height, item.frames = info.width, info.height, info.frames
        item.sha256 = hashlib.sha256(data).hexdigest()
        item.upload_expires_at = None
        queue_if_shared(item)

    try:
        change_image(image_id, start_processing)
    except (_MovedOn, ImageNotFound):
        return _skip(image_id, "process", "processed meanwhile")
    storage.delete_keys([storage.upload_key(image_id)])
    try:
        image = image_process(image_id=image_id, data=data)
    except InvalidImage as exc:  # the full decode found what the probe could not
        return _reject(image_id, exc.detail, exc.code)
    except Exception as exc:
        log.exception("pipeline failed for image %s", image_id)
        mark_failed(image_id, f"Processing failed: {type(exc).__name__}")
        raise
    metrics.count("upload.accepted")
    return image


# --------------------------------------------------------------------------- retries
def image_reprocess(*, image_id: str, source: str = "reprocess") -> Image | None:
    """Bring an image forward from wherever it stopped (a redelivered event, `manage.py
    reprocess`, `repair`): the same calls the first attempt made, so it converges."""
    item = get_item(image_id)
    if item.status == "awaiting_upload":
        if storage.head(item.original_key) is None:
            return _skip(image_id, source, "the file never arrived")
        return upload_received(image_id=image_id, source=source)
    if item.status == "scanning":
        if scanning.scanner_name() in ("bucketav", "guardduty"):
            return _skip(image_id, source, "waiting for the external scanner's finding")
        return upload_rescan(image_id=image_id, source=source)
    if item.status in ("rejected", "quarantined", "deleting"):
        return _skip(image_id, source, f"{item.status}: nothing to do")
    try:
        return image_process(image_id=image_id, force=True)
    except InvalidImage as exc:
        return _reject(image_id, exc.detail, exc.code)
    except Exception as exc:
        mark_failed(image_id, f"Processing failed: {type(exc).__name__}")
        raise


def upload_abandon(*, image_id: str) -> bool:
    """Remove an upload that never arrived (its POST expired): the object, if any, then the
    record, only while it is still awaiting_upload."""
    storage.delete_keys([storage.upload_key(image_id)])
    try:
        ImageItem(image_id).delete(
            condition=ImageItem.status == "awaiting_upload", add_version_condition=False
        )
    except Exception as exc:  # DeleteError with a failed condition: it arrived meanwhile
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            return False
        raise
    return True
