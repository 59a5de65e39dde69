"""The upload pipeline: a stored original becomes a ready image (or a rejected one).

    stored original (status=pending)
      -> validate (format sniffed from the bytes, allow-list, byte/pixel/frame limits)
      -> normalise + renditions (renditions.render: orientation, sRGB, no metadata)
      -> metadata written, status=ready (or rejected/failed, with the reason)

``image_process`` is idempotent: keys depend only on the image id and the spec, so
running it again, or on an event delivered twice, writes the same objects and the same
record.
"""

import hashlib
import logging
import secrets

from django.conf import settings
from pynamodb.exceptions import DoesNotExist

from gallery import exif, renditions, scanning, signals, storage
from gallery.exceptions import FileTooLarge, ImageNotReady, InvalidImage, MalwareFound, ScannerUnavailable
from gallery.models import ImageItem
from gallery.services.records import (
    Image,
    change_image,
    get_item,
    is_custom,
    now,
    public_feed,
    queue_if_shared,
    rendition_name,
    renditions_of,
    save_versioned,
    to_image,
)
from gallery.services.text import clean_filename, clean_title, clean_visibility
from imageplatform import metrics

log = logging.getLogger(__name__)


def named_specs() -> dict[str, str]:
    """Rendition name -> spec, for every named size in every output format."""
    return {
        rendition_name(size, fmt): f"{geometry}|{output}"
        for size, geometry in settings.GALLERY_RENDITIONS.items()
        for fmt, output in settings.GALLERY_RENDITION_FORMATS.items()
    }


def limits() -> renditions.Limits:
    return renditions.Limits(
        max_bytes=settings.GALLERY_MAX_UPLOAD_BYTES,
        max_pixels=settings.GALLERY_MAX_PIXELS,
        max_frames=settings.GALLERY_MAX_FRAMES,
        max_side=max(settings.GALLERY_MAX_CUSTOM_SIDE, 2048),
    )


def extension(fmt: str) -> str:
    return {"jpeg": "jpg"}.get(fmt, fmt)


def rendition_record(key: str, out: renditions.Rendition, spec: str) -> dict:
    """What the image record keeps of a stored rendition."""
    return {
        "key": key,
        "width": out.width,
        "height": out.height,
        "format": out.format,
        "bytes": len(out.data),
        "spec": spec,
    }


def _new_id() -> str:
    """12 URL-safe characters (72 random bits) that never start with "-" or "_": an id that
    began with a dash read as an option on command lines (`manage.py reprocess -abc`)."""
    while True:
        image_id = secrets.token_urlsafe(9)
        if image_id[0].isalnum():
            return image_id


# --------------------------------------------------------------------------- upload
def image_upload(
    *,
    owner: str,
    data: bytes,
    filename: str = "",
    title: str = "",
    visibility: str = "private",
) -> Image:
    """Validate, store the original untouched, and run the pipeline inline.

    Refusals raise InvalidImage before anything is stored; if the full decode finds the
    file corrupt later, everything stored for it is removed again, so no partial record
    is left behind. ``signals.image_created`` tells other apps about the new image.
    """
    title = clean_title(title)
    visibility = clean_visibility(visibility) or "private"
    filename = clean_filename(filename)
    try:
        inline_limit = settings.GALLERY_MAX_INLINE_UPLOAD_BYTES
        if len(data) > inline_limit:
            hint = ""
            if inline_limit < settings.GALLERY_MAX_UPLOAD_BYTES:
                hint = (
                    f" Send files up to {settings.GALLERY_MAX_UPLOAD_BYTES:,} bytes with a direct upload:"
                    " POST /api/v1/uploads."
                )
            raise FileTooLarge(f"The file is {len(data):,} bytes; the limit is {inline_limit:,} bytes.{hint}")
        with metrics.timed("pipeline.probe"):
            info = renditions.probe(data, limits())
    except InvalidImage as exc:
        metrics.count("upload.rejected", reason=exc.code)
        raise

    scanner = scanning.scanner_name()
    if scanner in ("bucketav", "guardduty"):
        # The external scanner scans objects under uploads/: the file takes the direct
        # upload's path from there (status "scanning" until its finding arrives).
        from gallery.services.uploads import upload_inline

        return upload_inline(owner=owner, data=data, filename=filename, title=title, visibility=visibility)
    if scanner != "none":
        verdict = scanning.scan("inline", data)
        if verdict.outcome == "infected":
            metrics.count("upload.rejected", reason=MalwareFound.code)
            raise MalwareFound(f"Malware found: {verdict.detail}. The file was not stored.")
        if verdict.outcome != "clean":
            raise ScannerUnavailable

    image_id = _new_id()
    created = now()
    key = storage.original_key(image_id, info.extension)
    storage.put_original(key, data, info.mime)
    item = ImageItem(
        image_id,
        owner=owner,
        created_at=created,
        updated_at=created,
        title=title,
        original_filename=filename,
        visibility=visibility,
        status="pending",
        attention="pending",
        original_key=key,
        format=info.format,
        mime=info.mime,
        size=len(data),
        width=info.width,
        height=info.height,
        frames=info.frames,
        sha256=hashlib.sha256(data).hexdigest(),
        renditions={},
    )
    queue_if_shared(item)
    try:
        item.save(condition=ImageItem.id.does_not_exist())
    except Exception:
        storage.delete_keys([key])
        raise
    try:
        image = image_process(image_id=image_id, data=data)
    except InvalidImage as exc:
        remove_everything(image_id)
        metrics.count("upload.rejected", reason=exc.code)
        raise
    except Exception as exc:
        log.exception("pipeline failed for image %s", image_id)
        mark_failed(image_id, f"Processing failed: {type(exc).__name__}")
        raise
    metrics.count("upload.accepted")
    return image


# --------------------------------------------------------------------------- process
def image_process(*, image_id: str, data: bytes | None = None, force: bool = False) -> Image:
    """The pipeline: stored original -> validated, normalised renditions -> status=ready.

    Already-ready images are left alone unless ``force`` (new rendition specs, repairs)
    or a named rendition is missing; rejected ones unless ``force``.
    """
    item = get_item(image_id)
    specs = named_specs()
    existing = renditions_of(item)
    if item.status == "ready" and not force and set(specs) <= set(existing):
        return to_image(item)
    if item.status == "rejected" and not force:
        return to_image(item)
    for name, r in existing.items():  # keep the owner's custom sizes through a re-run
        if is_custom(name) and r.get("spec"):
            specs[name] = r["spec"]

    was_ready = item.status == "ready"
    with metrics.timed("pipeline", image_id=image_id):
        image = run_pipeline(item, specs, existing, data)
    if not was_ready and image.is_ready:
        _announce_created(image)
        image = to_image(get_item(image_id))  # receivers may have added to it (the short link)
    return image


def _announce_created(image: Image) -> None:
    """``image_created``, the first time an image becomes ready (upload, retry, repair).
    Robust: the image is ready whatever a receiver does; a receiver that failed (its store
    was down) leaves something `manage.py repair` finds, such as a missing short link."""
    for receiver, result in signals.image_created.send_robust(sender=Image, image=image):
        if isinstance(result, Exception):
            log.error(
                "image_created receiver failed",
                exc_info=result,
                extra={"image_id": image.id, "receiver": getattr(receiver, "__qualname__", str(receiver))},
            )


def run_pipeline(item: ImageItem, specs: dict[str, str], existing: dict, data: bytes | None) -> Image:
    image_id = item.id
    if data is None:
        with metrics.timed("pipeline.read"):
            data = storage.read(item.original_key)
    with metrics.timed("pipeline.render"):
        info, outputs = renditions.render(data, specs, limits())

    files = {}
    with metrics.timed("pipeline.store"):
        for name, out in outputs.items():
            key = storage.rendition_key(image_id, name, specs[name], extension(out.format))
            storage.put(key, out.data, out.mime)
            files[name] = rendition_record(key, out, specs[name])
    kept = {f["key"] for f in files.values()}
    stale = [r["key"] for r in existing.values() if r.get("key") not in kept]

    item.status = "ready"
    item.attention = None
    item.reason = None
    item.format, item.mime = info.format, info.mime
    item.width, item.height, item.frames = info.width, info.height, info.frames
    item.renditions = files
    photo = exif.photo_details(data)  # read before the renditions strip it
    item.photo = photo or None
    item.taken_at = photo.get("taken_at")  # only then in the sparse owner-taken-index
    item.updated_at = now()
    item.public_feed = public_feed(item)
    with metrics.timed("pipeline.save"):
        if not save_versioned(item):
            return _merge_result(image_id, info, files, photo=photo)
    if stale:
        storage.delete_keys(stale)
    log.info("image processed", extra={"image_id": image_id, "renditions": len(files)})
    return to_image(item)


def _merge_result(image_id: str, info: renditions.ImageInfo, files: dict, *, photo: dict) -> Image:
    """Someone saved the record while the pipeline ran (the owner renamed it, a moderator
    hid it, or a duplicate event finished first). Their change stays; the pipeline's
    result is applied on top of the fresh record, never over it."""

    def apply(fresh: ImageItem) -> None:
        merged = renditions_of(fresh)
        for name, record in files.items():
            merged[name] = record
        fresh.status, fresh.reason, fresh.attention = "ready", None, None
        fresh.format, fresh.mime = info.format, info.mime
        fresh.width, fresh.height, fresh.frames = info.width, info.height, info.frames
        fresh.renditions = merged
        fresh.photo, fresh.taken_at = photo or None, photo.get("taken_at")
        fresh.public_feed = public_feed(fresh)

    item, _ = change_image(image_id, apply)
    return to_image(item)


def mark_failed(image_id: str, reason: str) -> None:
    """Record the failure so the owner sees it ("Try again") and `repair` finds it. If
    even this write fails, the record stays "pending", which `repair` finds as well."""
    try:
        ImageItem(image_id).update(
            actions=[
                ImageItem.status.set("failed"),
                ImageItem.attention.set("failed"),
                ImageItem.reason.set(reason),
                ImageItem.updated_at.set(now()),
            ],
            condition=ImageItem.id.exists() & (ImageItem.status != "ready"),
            add_version_condition=False,
        )
    except Exception:
        log.exception("could not mark image %s as failed", image_id)


def image_retry(*, image_id: str, owner: str) -> Image:
    """The owner's "Try again" on a failed (or stuck) image: run the pipeline again."""
    item = get_item(image_id, owner)
    if item.status == "ready":
        return to_image(item)
    if item.status not in ("failed", "pending"):
        raise ImageNotReady("Only an image whose processing failed can be tried again.")
    try:
        return image_process(image_id=image_id, force=True)
    except InvalidImage:
        remove_everything(image_id)
        raise
    except Exception as exc:
        log.exception("pipeline failed again for image %s", image_id)
        mark_failed(image_id, f"Processing failed: {type(exc).__name__}")
        raise


def remove_everything(image_id: str) -> None:
    """Every object under the image's prefixes, then its record."""
    storage.delete_keys(storage.image_keys(image_id))
    try:
        ImageItem(image_id).delete(add_version_condition=False)
    except DoesNotExist:
        pass
