"""What the gallery can do. The only importer of models.py and storage.py.

Every function takes keyword arguments and returns frozen dataclasses (``Image``,
``RenditionFile``, ``ImagePage``), so views, the API and templates never see a PynamoDB
item or a boto3 object.
"""

import base64
import binascii
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from pynamodb.exceptions import DoesNotExist, PutError

from gallery import renditions, storage
from gallery.exceptions import (
    FileTooLarge,
    GalleryError,
    ImageNotFound,
    ImageNotReady,
    InvalidImage,
    InvalidRenditionSpec,
    TooManyRenditions,
)
from gallery.models import ImageItem
from imageplatform import metrics

log = logging.getLogger(__name__)

VISIBILITIES = ("private", "unlisted", "public")
STATUSES = ("pending", "ready", "rejected", "failed")
TITLE_MAX, CAPTION_MAX, ALT_MAX = 200, 2000, 500
CUSTOM_PREFIX = "custom-"


# --------------------------------------------------------------------------- dataclasses
@dataclass(frozen=True)
class RenditionFile:
    name: str
    url: str
    width: int
    height: int
    format: str
    bytes: int


@dataclass(frozen=True)
class Image:
    id: str
    owner: str
    title: str
    caption: str
    alt_text: str
    visibility: str
    status: str
    reason: str | None
    original_filename: str
    format: str | None
    mime: str | None
    size: int
    width: int | None
    height: int | None
    frames: int | None
    sha256: str | None
    created_at: datetime
    updated_at: datetime
    hidden: bool
    moderation_state: str | None
    original_url: str | None
    renditions: dict[str, RenditionFile] = field(default_factory=dict)

    @property
    def display_title(self) -> str:
        return self.title or self.original_filename or "Untitled"

    @property
    def is_ready(self) -> bool:
        return self.status == "ready"

    @property
    def is_public(self) -> bool:
        return self.visibility == "public"

    def srcset(self, fmt: str = "jpeg") -> str:
        """``url 320w, url 1024w, ...`` over the named sizes, for <img>/<source>."""
        files = sorted(
            (r for r in self.renditions.values() if r.format == fmt and not _is_custom(r.name)),
            key=lambda r: r.width,
        )
        return ", ".join(f"{r.url} {r.width}w" for r in files)

    @property
    def srcset_jpeg(self) -> str:
        return self.srcset("jpeg")

    @property
    def srcset_webp(self) -> str:
        return self.srcset("webp")

    def rendition(self, size: str, fmt: str = "jpeg") -> RenditionFile | None:
        return self.renditions.get(rendition_name(size, fmt))

    @property
    def thumb(self) -> RenditionFile | None:
        return self.rendition("thumb")

    @property
    def medium(self) -> RenditionFile | None:
        return self.rendition("medium")

    @property
    def large(self) -> RenditionFile | None:
        return self.rendition("large")

    @property
    def custom_renditions(self) -> list[RenditionFile]:
        return sorted((r for r in self.renditions.values() if _is_custom(r.name)), key=lambda r: r.name)

    @property
    def named_renditions(self) -> list[RenditionFile]:
        return sorted(
            (r for r in self.renditions.values() if not _is_custom(r.name)),
            key=lambda r: (r.width, r.format),
        )


@dataclass(frozen=True)
class ImagePage:
    images: list[Image]
    next_cursor: str | None


# --------------------------------------------------------------------------- helpers
def _now() -> datetime:
    return datetime.now(UTC)


def _is_custom(name: str) -> bool:
    return name.startswith(CUSTOM_PREFIX)


def rendition_name(size: str, fmt: str) -> str:
    """JPEG, the universal fallback, goes by the bare size name; other formats add theirs."""
    return size if fmt == "jpeg" else f"{size}.{fmt}"


def _named_specs() -> dict[str, str]:
    return {
        rendition_name(size, fmt): f"{geometry}|{output}"
        for size, geometry in settings.GALLERY_RENDITIONS.items()
        for fmt, output in settings.GALLERY_RENDITION_FORMATS.items()
    }


def _limits() -> renditions.Limits:
    return renditions.Limits(
        max_bytes=settings.GALLERY_MAX_UPLOAD_BYTES,
        max_pixels=settings.GALLERY_MAX_PIXELS,
        max_frames=settings.GALLERY_MAX_FRAMES,
        max_side=max(settings.GALLERY_MAX_CUSTOM_SIDE, 2048),
    )


def _renditions_of(item: ImageItem) -> dict:
    """The rendition map as plain dicts (raw MapAttributes load as MapAttribute objects)."""
    value = item.renditions or {}
    return value.as_dict() if hasattr(value, "as_dict") else dict(value)


def _new_id() -> str:
    return secrets.token_urlsafe(9)


def _to_image(item: ImageItem, *, with_urls: bool = True) -> Image:
    files = {}
    for name, r in _renditions_of(item).items():
        files[name] = RenditionFile(
            name=name,
            url=storage.url(r["key"]) if with_urls else "",
            width=int(r["width"]),
            height=int(r["height"]),
            format=r["format"],
            bytes=int(r["bytes"]),
        )
    return Image(
        id=item.id,
        owner=item.owner,
        title=item.title or "",
        caption=item.caption or "",
        alt_text=item.alt_text or "",
        visibility=item.visibility,
        status=item.status,
        reason=item.reason,
        original_filename=item.original_filename or "",
        format=item.format,
        mime=item.mime,
        size=int(item.size or 0),
        width=int(item.width) if item.width is not None else None,
        height=int(item.height) if item.height is not None else None,
        frames=int(item.frames) if item.frames is not None else None,
        sha256=item.sha256,
        created_at=item.created_at,
        updated_at=item.updated_at,
        hidden=bool(item.hidden),
        moderation_state=item.moderation_state,
        original_url=storage.url(item.original_key) if with_urls and item.original_key else None,
        renditions=files,
    )


def _get_item(image_id: str, owner: str | None = None) -> ImageItem:
    if not isinstance(image_id, str) or not 1 <= len(image_id) <= 64:
        raise ImageNotFound
    try:
        item = ImageItem.get(image_id, consistent_read=True)
    except DoesNotExist:
        raise ImageNotFound from None
    if owner is not None and item.owner != owner:
        raise ImageNotFound  # someone else's image: indistinguishable from a missing one
    return item


def _queue_if_shared(item: ImageItem) -> None:
    """Shared images (unlisted or public) wait for a moderator once; private ones never do."""
    if item.visibility != "private" and item.reviewed_at is None and not item.hidden:
        item.moderation_state = "pending_review"
    elif item.visibility == "private" and item.moderation_state == "pending_review":
        item.moderation_state = None


def _public_feed(item: ImageItem) -> str | None:
    visible = item.status == "ready" and item.visibility == "public" and not item.hidden
    return "public" if visible else None


def _clean_text(value: str | None, limit: int, label: str) -> str | None:
    if value is None:
        return None
    value = str(value).replace("\x00", "").strip()
    if len(value) > limit:
        raise GalleryError(f"{label} is too long (at most {limit} characters).")
    return value


def _clean_visibility(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if value not in VISIBILITIES:
        raise GalleryError(f"Visibility must be one of: {', '.join(VISIBILITIES)}.")
    return value


# --------------------------------------------------------------------------- upload + pipeline
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
    is left behind.
    """
    title = _clean_text(title, TITLE_MAX, "Title") or ""
    visibility = _clean_visibility(visibility) or "private"
    try:
        if len(data) > settings.GALLERY_MAX_UPLOAD_BYTES:
            raise FileTooLarge(
                f"The file is {len(data):,} bytes; the limit is {settings.GALLERY_MAX_UPLOAD_BYTES:,} bytes."
            )
        with metrics.timed("pipeline.probe"):
            info = renditions.probe(data, _limits())
    except InvalidImage as exc:
        metrics.count("upload.rejected", reason=exc.code)
        raise

    image_id = _new_id()
    now = _now()
    key = storage.original_key(image_id, info.extension)
    storage.put(key, data, info.mime)
    item = ImageItem(
        image_id,
        owner=owner,
        created_at=now,
        updated_at=now,
        title=title,
        original_filename=(filename or "")[-200:],
        visibility=visibility,
        status="pending",
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
    _queue_if_shared(item)
    try:
        item.save(condition=ImageItem.id.does_not_exist())
    except Exception:
        storage.delete_keys([key])
        raise
    try:
        image = image_process(image_id=image_id, data=data)
    except InvalidImage as exc:
        _remove_everything(image_id)
        metrics.count("upload.rejected", reason=exc.code)
        raise
    except Exception as exc:
        log.exception("pipeline failed for image %s", image_id)
        _mark_failed(image_id, f"Processing failed: {type(exc).__name__}")
        raise
    _shortlinks_create_default(image_id, owner)
    metrics.count("upload.accepted")
    return image


def image_process(*, image_id: str, data: bytes | None = None, force: bool = False) -> Image:
    """The pipeline: stored original -> validated, normalised renditions -> status=ready.

    Idempotent: keys depend only on the image id and the spec, and the encoders are
    deterministic, so running it again (or on an event delivered twice) writes the same
    objects and the same metadata. Already-ready images are left alone unless ``force``
    (new rendition specs, repairs) or a named rendition is missing.
    """
    item = _get_item(image_id)
    specs = _named_specs()
    existing = _renditions_of(item)
    if item.status == "ready" and not force and set(specs) <= set(existing):
        return _to_image(item)
    if item.status == "rejected" and not force:
        return _to_image(item)
    for name, r in existing.items():  # keep the owner's custom sizes through a re-run
        if _is_custom(name) and r.get("spec"):
            specs[name] = r["spec"]

    with metrics.timed("pipeline", image_id=image_id):
        return _run_pipeline(item, specs, existing, data)


def _run_pipeline(item: ImageItem, specs: dict[str, str], existing: dict, data: bytes | None) -> Image:
    image_id = item.id
    if data is None:
        with metrics.timed("pipeline.read"):
            data = storage.read(item.original_key)
    with metrics.timed("pipeline.render"):
        info, outputs = renditions.render(data, specs, _limits())

    files = {}
    with metrics.timed("pipeline.store"):
        for name, out in outputs.items():
            key = storage.rendition_key(image_id, name, specs[name], _extension(out.format))
            storage.put(key, out.data, out.mime)
            files[name] = _rendition_record(key, out, specs[name])
    kept = {f["key"] for f in files.values()}
    stale = [r["key"] for r in existing.values() if r.get("key") not in kept]

    item.status = "ready"
    item.reason = None
    item.format, item.mime = info.format, info.mime
    item.width, item.height, item.frames = info.width, info.height, info.frames
    item.renditions = files
    item.updated_at = _now()
    item.public_feed = _public_feed(item)
    with metrics.timed("pipeline.save"):
        if not _saved(item):
            # A concurrent run (an event delivered twice) saved first: it wrote the same
            # keys, so its record is this run's result too.
            return _to_image(_get_item(image_id))
    if stale:
        storage.delete_keys(stale)
    log.info("image processed", extra={"image_id": image_id, "renditions": len(files)})
    return _to_image(item)


def _rendition_record(key: str, out: renditions.Rendition, spec: str) -> dict:
    """What the image record keeps of a stored rendition."""
    return {
        "key": key,
        "width": out.width,
        "height": out.height,
        "format": out.format,
        "bytes": len(out.data),
        "spec": spec,
    }


def _saved(item: ImageItem) -> bool:
    """Save with the version check; False when someone else saved first (read and retry)."""
    try:
        item.save()
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _extension(fmt: str) -> str:
    return {"jpeg": "jpg"}.get(fmt, fmt)


def _mark_failed(image_id: str, reason: str) -> None:
    try:
        item = _get_item(image_id)
        item.update(actions=[ImageItem.status.set("failed"), ImageItem.reason.set(reason)])
    except Exception:
        log.exception("could not mark image %s as failed", image_id)


def _remove_everything(image_id: str) -> None:
    keys = [k for p in storage.image_prefixes(image_id) for k in storage.list_keys(p)]
    if keys:
        storage.delete_keys(keys)
    try:
        ImageItem(image_id).delete(add_version_condition=False)
    except DoesNotExist:
        pass


# --------------------------------------------------------------------------- read
def image_get(*, image_id: str, owner: str | None = None) -> Image:
    """One image; with ``owner``, only if it is theirs (else ImageNotFound)."""
    return _to_image(_get_item(image_id, owner))


def _encode_cursor(item: ImageItem) -> str:
    raw = json.dumps({"id": item.id, "c": item.created_at.strftime("%Y-%m-%dT%H:%M:%S.%f%z")})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, hash_name: str, hash_value: str) -> dict:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        image_id, created = raw["id"], raw["c"]
        if not (isinstance(image_id, str) and isinstance(created, str)) or len(image_id) > 64:
            raise ValueError
        datetime.strptime(created, "%Y-%m-%dT%H:%M:%S.%f%z")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise GalleryError("The page cursor is not valid.") from None
    return {"id": {"S": image_id}, hash_name: {"S": hash_value}, "created_at": {"S": created}}


def _page(index, hash_name: str, hash_value: str, cursor: str | None, limit: int | None) -> ImagePage:
    limit = max(1, min(int(limit or settings.GALLERY_PAGE_SIZE), 100))
    start = _decode_cursor(cursor, hash_name, hash_value) if cursor else None
    # One more than a page tells whether a next page exists without an empty last page.
    items = list(index.query(hash_value, scan_index_forward=False, limit=limit + 1, last_evaluated_key=start))
    next_cursor = _encode_cursor(items[limit - 1]) if len(items) > limit else None
    return ImagePage(images=[_to_image(i) for i in items[:limit]], next_cursor=next_cursor)


def image_list(*, owner: str, cursor: str | None = None, limit: int | None = None) -> ImagePage:
    """The owner's images, newest first: a Query on the (owner, created_at) index."""
    return _page(ImageItem.owner_index, "owner", owner, cursor, limit)


def image_list_public(*, cursor: str | None = None, limit: int | None = None) -> ImagePage:
    """Ready, public, visible images, newest first: a Query on the sparse public index."""
    return _page(ImageItem.public_index, "public_feed", "public", cursor, limit)


def image_list_moderation(
    *, state: str = "pending_review", cursor: str | None = None, limit: int | None = None
) -> ImagePage:
    return _page(ImageItem.moderation_index, "moderation_state", state, cursor, limit)


# --------------------------------------------------------------------------- change
def image_update(
    *,
    image_id: str,
    owner: str,
    title: str | None = None,
    caption: str | None = None,
    alt_text: str | None = None,
    visibility: str | None = None,
) -> Image:
    title = _clean_text(title, TITLE_MAX, "Title")
    caption = _clean_text(caption, CAPTION_MAX, "Caption")
    alt_text = _clean_text(alt_text, ALT_MAX, "Alt text")
    visibility = _clean_visibility(visibility)
    for _ in range(3):
        item = _get_item(image_id, owner)
        if title is not None:
            item.title = title
        if caption is not None:
            item.caption = caption
        if alt_text is not None:
            item.alt_text = alt_text
        if visibility is not None:
            item.visibility = visibility
            _queue_if_shared(item)
        item.public_feed = _public_feed(item)
        item.updated_at = _now()
        if not _saved(item):  # the version attribute makes a concurrent edit fail, not vanish
            continue
        if visibility is not None and visibility == "private":
            _shortlinks_disable(image_id)
        return _to_image(item)
    raise GalleryError("The image was changed at the same time; try again.")


def image_delete(*, image_id: str, owner: str | None) -> None:
    """Remove every S3 object of the image, its short links, and its metadata."""
    _get_item(image_id, owner)
    _shortlinks_disable(image_id)
    _remove_everything(image_id)


def _shortlinks_disable(image_id: str) -> None:
    try:
        from shortlinks.services import shortlink_disable_for_image
    except ImportError:  # the shortlinks app has no services yet
        return
    shortlink_disable_for_image(image_id=image_id)


def _shortlinks_create_default(image_id: str, owner: str) -> None:
    try:
        from shortlinks.services import shortlink_create_default
    except ImportError:  # the shortlinks app has no services yet
        return
    shortlink_create_default(image_id=image_id, owner=owner)


MODERATION_ACTIONS = ("approve", "hide", "unhide")


def image_moderate(*, image_id: str, action: str) -> Image:
    """A moderator's decision: approve (leave the queue), hide from everyone but the
    owner (its short links stop working), or unhide."""
    if action not in MODERATION_ACTIONS:
        raise GalleryError(f"Unknown moderation action {action!r}.")
    for _ in range(3):
        item = _get_item(image_id)
        item.hidden = action == "hide"
        item.moderation_state = "hidden" if action == "hide" else None
        item.reviewed_at = _now()
        item.public_feed = _public_feed(item)
        item.updated_at = _now()
        if not _saved(item):
            continue
        if action == "hide":
            _shortlinks_disable(image_id)
        return _to_image(item)
    raise GalleryError("The image was changed at the same time; try again.")


def rendition_create(
    *,
    image_id: str,
    owner: str,
    width: int | None = None,
    height: int | None = None,
    mode: str = "fit",
    fmt: str = "jpeg",
) -> RenditionFile:
    """ "Change resolution": a stored rendition of a custom size (never upscaled)."""
    max_side = settings.GALLERY_MAX_CUSTOM_SIDE
    if mode not in ("fit", "fill"):
        raise InvalidRenditionSpec("Mode must be 'fit' or 'fill'.")
    if fmt not in settings.GALLERY_RENDITION_FORMATS:
        raise InvalidRenditionSpec(f"Format must be one of: {', '.join(settings.GALLERY_RENDITION_FORMATS)}.")
    for label, value in (("Width", width), ("Height", height)):
        if value is not None and not (isinstance(value, int) and 1 <= value <= max_side):
            raise InvalidRenditionSpec(f"{label} must be a whole number from 1 to {max_side}.")
    if width is None and height is None:
        raise InvalidRenditionSpec("Give a width, a height, or both.")
    if mode == "fill":
        if width is None or height is None:
            raise InvalidRenditionSpec("'fill' needs both a width and a height.")
        geometry = f"fill-{width}x{height}"
    elif width and height:
        geometry = f"max-{width}x{height}"
    elif width:
        geometry = f"width-{width}"
    else:
        geometry = f"height-{height}"
    spec = f"{geometry}|{settings.GALLERY_RENDITION_FORMATS[fmt]}"
    name = rendition_name(f"{CUSTOM_PREFIX}{width or 'auto'}x{height or 'auto'}-{mode}", fmt)

    for _ in range(3):
        item = _get_item(image_id, owner)
        if item.status != "ready":
            raise ImageNotReady
        existing = _renditions_of(item)
        if name in existing:
            return _to_image(item).renditions[name]
        if sum(1 for n in existing if _is_custom(n)) >= settings.GALLERY_MAX_CUSTOM_RENDITIONS:
            raise TooManyRenditions(
                f"An image can have at most {settings.GALLERY_MAX_CUSTOM_RENDITIONS} custom sizes; delete one first."
            )
        _, outputs = renditions.render(storage.read(item.original_key), {name: spec}, _limits())
        out = outputs[name]
        key = storage.rendition_key(image_id, name, spec, _extension(out.format))
        storage.put(key, out.data, out.mime)
        existing[name] = _rendition_record(key, out, spec)
        item.renditions = existing
        item.updated_at = _now()
        if not _saved(item):
            continue
        return _to_image(item).renditions[name]
    raise GalleryError("The image was changed at the same time; try again.")


def rendition_delete(*, image_id: str, owner: str, name: str) -> None:
    """Remove one custom size (the named sizes belong to the pipeline)."""
    for _ in range(3):
        item = _get_item(image_id, owner)
        existing = _renditions_of(item)
        if name not in existing or not _is_custom(name):
            raise ImageNotFound("No such custom size.")
        key = existing.pop(name)["key"]
        item.renditions = existing
        item.updated_at = _now()
        if not _saved(item):
            continue
        storage.delete_keys([key])
        return
    raise GalleryError("The image was changed at the same time; try again.")


# --------------------------------------------------------------------------- stores
def stores_ensure() -> dict[str, bool]:
    """Create the bucket and the tables when missing (idempotent). Returns what was created."""
    from shortlinks.models import ShortLinkItem

    created = {"bucket": storage.bucket_ensure()}
    for model in (ImageItem, ShortLinkItem):
        exists = model.exists()
        if not exists:
            model.create_table(wait=True, ignore_update_ttl_errors=True)
        created[model.Meta.table_name] = not exists
    return created


def stores_check() -> dict[str, str]:
    """Reach every store the app uses; returns {store: "ok" | error text}."""
    from django.db import connection

    from shortlinks.models import ShortLinkItem

    checks = {}

    def attempt(name, fn):
        try:
            fn()
            checks[name] = "ok"
        except Exception as exc:  # a health check reports, it does not raise
            checks[name] = f"error: {type(exc).__name__}"

    def dynamo(model):
        try:
            model.get("__healthz__")
        except DoesNotExist:
            pass

    def database():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    attempt("s3", storage.bucket_reachable)
    attempt("images_table", lambda: dynamo(ImageItem))
    attempt("shortlinks_table", lambda: dynamo(ShortLinkItem))
    attempt("database", database)
    return checks
