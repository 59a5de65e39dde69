"""The image record: what callers get (frozen dataclasses) and how it is read and saved.

``Image``, ``RenditionFile`` and ``ImagePage`` are all that views, the API, templates and
other apps ever see of an image: never a PynamoDB item or a boto3 object.

``change_image`` is the one read-modify-save loop of the gallery. Every record carries a
``VersionAttribute``, so a save made from a stale read fails instead of silently undoing a
concurrent change (the owner's edit, a moderator's decision, the pipeline's result); the
loop then reads again and re-applies its change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, PutError

from gallery import storage
from gallery.exceptions import ConcurrentChange, ImageNotFound
from gallery.models import ImageItem

VISIBILITIES = ("private", "unlisted", "public")
SHARED = ("unlisted", "public")
STATUSES = (
    "awaiting_upload",
    "scanning",
    "processing",
    "pending",
    "ready",
    "rejected",
    "quarantined",
    "failed",
    "deleting",
    "removed",  # a moderator removed its files; the record stays (services/moderation.py)
)
STATUS_LABELS = {
    "awaiting_upload": "Waiting for the file",
    "scanning": "Checking the file",
    "processing": "Processing",
    "pending": "Processing",
    "ready": "Ready",
    "rejected": "Refused",
    "quarantined": "Quarantined",
    "failed": "Processing failed",
    "deleting": "Being deleted",
    "removed": "Removed by a moderator",
}
CUSTOM_PREFIX = "custom-"
SAVE_ATTEMPTS = 5
ID_MAX = 64


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
    short_code: str | None = None
    photo: dict[str, str] = field(default_factory=dict)  # camera details from EXIF (gallery/exif.py)
    approved: bool = False  # a moderator approved it as it is now (the public gallery shows only these)
    moderation_reason: str | None = None  # why a moderator hid or removed it (shown to the owner)
    appealed: bool = False  # the owner asked for a second look (allowed once)
    download_url: str | None = (
        None  # the largest JPEG, saved under a readable name  # the default short link's code (set by the shortlinks app)
    )

    @property
    def display_title(self) -> str:
        return self.title or self.original_filename or "Untitled"

    @property
    def is_ready(self) -> bool:
        return self.status == "ready"

    @property
    def status_label(self) -> str:
        """The status in words, for pages."""
        return STATUS_LABELS.get(self.status, self.status.replace("_", " ").capitalize())

    @property
    def is_public(self) -> bool:
        return self.visibility == "public"

    @property
    def is_shared(self) -> bool:
        """Visible to people other than the owner: unlisted or public, ready, not hidden."""
        return self.visibility in SHARED and self.is_ready and not self.hidden

    def srcset(self, fmt: str = "jpeg") -> str:
        """``url 320w, url 1024w, ...`` over the named sizes, for <img>/<source>."""
        files = sorted(
            (r for r in self.renditions.values() if r.format == fmt and not is_custom(r.name)),
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
        return sorted((r for r in self.renditions.values() if is_custom(r.name)), key=lambda r: r.name)

    @property
    def named_renditions(self) -> list[RenditionFile]:
        return sorted(
            (r for r in self.renditions.values() if not is_custom(r.name)),
            key=lambda r: (r.width, r.format),
        )


@dataclass(frozen=True)
class ImagePage:
    images: list[Image]
    next_cursor: str | None


# --------------------------------------------------------------------------- names
def now() -> datetime:
    return datetime.now(UTC)


def is_custom(name: str) -> bool:
    return name.startswith(CUSTOM_PREFIX)


def rendition_name(size: str, fmt: str) -> str:
    """JPEG, the universal fallback, goes by the bare size name; other formats add theirs."""
    return size if fmt == "jpeg" else f"{size}.{fmt}"


def renditions_of(item: ImageItem) -> dict:
    """The rendition map as plain dicts (raw MapAttributes load as MapAttribute objects)."""
    value = item.renditions or {}
    return value.as_dict() if hasattr(value, "as_dict") else dict(value)


# --------------------------------------------------------------------------- item <-> Image
def to_image(item: ImageItem, *, with_urls: bool = True) -> Image:
    """The dataclass of a record. ``with_urls=False`` signs nothing (URLs are left empty):
    for answers that do not show files, such as redirects and access checks."""
    files = {}
    shared = item.visibility in SHARED and item.status == "ready" and not item.hidden
    for name, r in renditions_of(item).items():
        files[name] = RenditionFile(
            name=name,
            url=storage.rendition_url(r["key"], shared=shared) if with_urls else "",
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
        approved=is_approved(item),
        moderation_reason=item.moderation_reason,
        appealed=item.appealed_at is not None,
        original_url=(
            storage.download_url(item.original_key, _original_name(item))
            if with_urls and item.original_key and item.original_key.startswith(storage.prefix("originals"))
            else None
        ),
        renditions=files,
        short_code=item.short_code,
        photo=_photo(item),
        download_url=_download_url(item) if with_urls else None,
    )


def _photo(item: ImageItem) -> dict[str, str]:
    value = item.photo or {}
    value = value.as_dict() if hasattr(value, "as_dict") else dict(value)
    return {str(k): str(v) for k, v in value.items()}


def _stem(item: ImageItem) -> str:
    name = item.title or (item.original_filename or "").rsplit(".", 1)[0] or item.id
    return name[:100]


def _original_name(item: ImageItem) -> str:
    """The name the owner uploaded it under (with the real format's extension)."""
    extension = item.original_key.rsplit(".", 1)[-1]
    name = item.original_filename or f"{item.id}.{extension}"
    return name if "." in name else f"{name}.{extension}"


def _download_url(item: ImageItem) -> str | None:
    jpegs = [
        r for name, r in renditions_of(item).items() if r.get("format") == "jpeg" and not is_custom(name)
    ]
    if not jpegs:
        return None
    largest = max(jpegs, key=lambda r: int(r["width"]))
    filename = f"{_stem(item)}-{int(largest['width'])}x{int(largest['height'])}.jpg"
    return storage.download_url(largest["key"], filename)


def well_formed_id(image_id) -> bool:
    return isinstance(image_id, str) and 1 <= len(image_id) <= ID_MAX and image_id.isprintable()


def get_item(image_id: str, owner: str | None = None) -> ImageItem:
    """One strongly consistent GetItem; ImageNotFound when missing or, with ``owner``,
    someone else's (indistinguishable from a missing one)."""
    if not well_formed_id(image_id):
        raise ImageNotFound
    try:
        item = ImageItem.get(image_id, consistent_read=True)
    except DoesNotExist:
        raise ImageNotFound from None
    if owner is not None and item.owner != owner:
        raise ImageNotFound
    return item


def search_text(item: ImageItem) -> str | None:
    """What the owner's search looks in: title, caption and file name, lowercased."""
    text = " ".join(p for p in (item.title, item.caption, item.original_filename) if p).lower()
    return text or None


def save_versioned(item: ImageItem) -> bool:
    """Save with the version check; False when someone else saved first."""
    item.search_text = search_text(item)
    try:
        item.save()
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def change_image(
    image_id: str, change: Callable[[ImageItem], object], *, owner: str | None = None
) -> tuple[ImageItem, object]:
    """Read, apply ``change`` (which may raise to refuse), save with the version check;
    on a concurrent save, read again and re-apply. Returns the saved item and what
    ``change`` returned. ConcurrentChange when every attempt lost the race."""
    for _ in range(SAVE_ATTEMPTS):
        item = get_item(image_id, owner)
        result = change(item)
        item.updated_at = now()
        if save_versioned(item):
            return item, result
    raise ConcurrentChange


# --------------------------------------------------------------------------- derived fields
def is_approved(item: ImageItem) -> bool:
    """A moderator approved the image as it is now. Records from before ``approved``
    existed count as approved once reviewed and settled."""
    if item.approved is not None:
        return bool(item.approved)
    return item.reviewed_at is not None and item.moderation_state is None and not item.hidden


def queue_if_shared(item: ImageItem, *, again: bool = False) -> None:
    """Shared images (unlisted or public) wait for a moderator; private ones never do.

    ``again``: what moderators approved changed (it was made shared again after being
    private, or its title or caption changed while shared), so the approval no longer
    holds. A state a moderator must look at anyway (reported, appealed, hidden, removed,
    quarantined) is left as it is."""
    if item.visibility == "private":
        if item.moderation_state == "pending_review":
            item.moderation_state = None
        return
    if item.hidden or item.status == "removed":
        return
    if again:
        item.approved = False
    if not is_approved(item) and item.moderation_state is None:
        item.moderation_state = "pending_review"


def public_feed(item: ImageItem) -> str | None:
    """Pre-moderation: the public gallery lists only ready, public, approved, visible images."""
    visible = item.status == "ready" and item.visibility == "public" and not item.hidden
    return "public" if visible and is_approved(item) else None
