"""Reading images: one image, and pages of the owner's, the public and the moderation lists.

Every list is a Query on an index (never a Scan), newest first, paged by an opaque cursor
that encodes the last key of the page.
"""

import base64
import binascii
import json
from datetime import datetime

from django.conf import settings

from gallery.exceptions import ImageNotFound, InvalidCursor
from gallery.models import ImageItem
from gallery.services.records import (
    STATUSES,
    VISIBILITIES,
    Image,
    ImagePage,
    get_item,
    to_image,
    well_formed_id,
)

CURSOR_MAX = 512
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


def image_get(*, image_id: str, owner: str | None = None, with_urls: bool = True) -> Image:
    """One image; with ``owner``, only if it is theirs (else ImageNotFound).
    ``with_urls=False`` signs no file URL (for access checks and redirects)."""
    return to_image(get_item(image_id, owner), with_urls=with_urls)


def encode_cursor(item: ImageItem) -> str:
    raw = json.dumps({"id": item.id, "c": item.created_at.strftime(_TIME_FORMAT)})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, hash_name: str, hash_value: str) -> dict:
    """The DynamoDB start key of a cursor; InvalidCursor for anything we did not make."""
    try:
        if not isinstance(cursor, str) or len(cursor) > CURSOR_MAX:
            raise ValueError
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        image_id, created = raw["id"], raw["c"]
        if not (well_formed_id(image_id) and isinstance(created, str)):
            raise ValueError
        datetime.strptime(created, _TIME_FORMAT)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise InvalidCursor from None
    return {"id": {"S": image_id}, hash_name: {"S": hash_value}, "created_at": {"S": created}}


def _page(
    index,
    hash_name: str,
    hash_value: str,
    cursor: str | None,
    limit: int | None,
    *,
    newest_first: bool = True,
    filter_condition=None,
) -> ImagePage:
    limit = max(1, min(int(limit or settings.GALLERY_PAGE_SIZE), 100))
    start = decode_cursor(cursor, hash_name, hash_value) if cursor else None
    # One more than a page tells whether a next page exists without an empty last page.
    # With a filter, PynamoDB keeps reading pages of the index until it has that many
    # matches (DynamoDB applies the filter after reading); the cursor is still the last key.
    items = list(
        index.query(
            hash_value,
            scan_index_forward=not newest_first,
            limit=limit + 1,
            last_evaluated_key=start,
            filter_condition=filter_condition,
            page_size=100 if filter_condition is not None else None,
        )
    )
    next_cursor = encode_cursor(items[limit - 1]) if len(items) > limit else None
    return ImagePage(images=[to_image(i) for i in items[:limit]], next_cursor=next_cursor)


SORTS = ("newest", "oldest")
SEARCH_MAX = 100


def image_list(
    *,
    owner: str,
    cursor: str | None = None,
    limit: int | None = None,
    sort: str = "newest",
    visibility: str | None = None,
    status: str | None = None,
    search: str | None = None,
) -> ImagePage:
    """The owner's images: a Query on the (owner, created_at) index, newest or oldest
    first (``ScanIndexForward``). ``visibility``, ``status`` and ``search`` (words in the
    title, caption or file name, any case) narrow it with a filter expression on that same
    Query: it reads only this owner's partition of the index, never the table."""
    condition = None
    if visibility in VISIBILITIES:
        condition = _and(condition, ImageItem.visibility == visibility)
    if status in STATUSES:
        condition = _and(condition, ImageItem.status == status)
    for word in (search or "")[:SEARCH_MAX].lower().split()[:5]:
        condition = _and(condition, ImageItem.search_text.contains(word))
    return _page(
        ImageItem.owner_index,
        "owner",
        owner,
        cursor,
        limit,
        newest_first=sort != "oldest",
        filter_condition=condition,
    )


def _and(condition, more):
    return more if condition is None else condition & more


def image_list_public(*, cursor: str | None = None, limit: int | None = None) -> ImagePage:
    """Ready, public, visible images, newest first: a Query on the sparse public index."""
    return _page(ImageItem.public_index, "public_feed", "public", cursor, limit)


def image_list_moderation(
    *, state: str = "pending_review", cursor: str | None = None, limit: int | None = None
) -> ImagePage:
    """The moderation queue of one state: a Query on the sparse moderation index."""
    return _page(ImageItem.moderation_index, "moderation_state", state, cursor, limit)


def image_neighbours(*, image: Image) -> tuple[str | None, str | None]:
    """The ids of the owner's next newer and next older image (for the viewer's previous
    and next): two one-item Queries on the owner index from this image's created_at."""
    return _neighbours(ImageItem.owner_index, image.owner, image.created_at)


def image_get_public(*, image_id: str) -> Image:
    """An image of the public gallery (ready, public, approved, visible); ImageNotFound
    for anything else, decided before any URL is signed."""
    item = get_item(image_id)
    if item.public_feed != "public":
        raise ImageNotFound
    return to_image(item)


def image_neighbours_public(*, image: Image) -> tuple[str | None, str | None]:
    """The ids of the next newer and next older image of the public gallery: two one-item
    Queries on the sparse public index, so private or unapproved images never appear."""
    return _neighbours(ImageItem.public_index, "public", image.created_at)


def _neighbours(index, hash_value: str, created_at: datetime) -> tuple[str | None, str | None]:
    newer = index.query(
        hash_value,
        ImageItem.created_at > created_at,
        scan_index_forward=True,
        limit=1,
        attributes_to_get=["id"],
    )
    older = index.query(
        hash_value,
        ImageItem.created_at < created_at,
        scan_index_forward=False,
        limit=1,
        attributes_to_get=["id"],
    )
    return next((i.id for i in newer), None), next((i.id for i in older), None)
