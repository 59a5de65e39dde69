"""Reading images: one image, and pages of the owner's, the public and the moderation lists.

Every list is a Query on an index (never a Scan), newest first, paged by an opaque cursor
that encodes the last key of the page.
"""

import json
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

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
from imageplatform import cursors

CURSOR_MAX = 512
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


def image_get(*, image_id: str, owner: str | None = None, with_urls: bool = True) -> Image:
    """One image; with ``owner``, only if it is theirs (else ImageNotFound).
    ``with_urls=False`` signs no file URL (for access checks and redirects)."""
    return to_image(get_item(image_id, owner), with_urls=with_urls)


def encode_cursor(item: ImageItem) -> str:
    """The last key of a page, opaque: the id, created_at and, if set, taken_at (the range
    key of the owner-taken-index)."""
    fields = {"id": item.id, "c": item.created_at.strftime(_TIME_FORMAT)}
    if getattr(item, "taken_at", None):
        fields["t"] = item.taken_at
    return cursors.wrap(json.dumps(fields))


def decode_cursor(cursor: str, hash_name: str, hash_value: str, range_name: str = "created_at") -> dict:
    """The DynamoDB start key of a cursor for an index whose range key is ``range_name``
    (``created_at`` or ``taken_at``); InvalidCursor for anything we did not make."""
    try:
        raw = json.loads(cursors.unwrap(cursor, CURSOR_MAX))
        image_id, created = raw["id"], raw["c"]
        if not (well_formed_id(image_id) and isinstance(created, str)):
            raise ValueError
        datetime.strptime(created, _TIME_FORMAT)
        if range_name == "taken_at":
            taken = raw["t"]
            if not isinstance(taken, str):
                raise ValueError
            datetime.fromisoformat(taken)
            range_value = taken
        else:
            range_value = created
    except (ValueError, KeyError, TypeError):
        raise InvalidCursor from None
    return {"id": {"S": image_id}, hash_name: {"S": hash_value}, range_name: {"S": range_value}}


def _page(
    index,
    hash_name: str,
    hash_value: str,
    cursor: str | None,
    limit: int | None,
    *,
    newest_first: bool = True,
    range_key_condition=None,
    filter_condition=None,
    range_name: str = "created_at",
) -> ImagePage:
    limit = max(1, min(int(limit or settings.GALLERY_PAGE_SIZE), 100))
    start = decode_cursor(cursor, hash_name, hash_value, range_name) if cursor else None
    # One more than a page tells whether a next page exists without an empty last page.
    # With a filter, PynamoDB keeps reading pages of the index until it has that many
    # matches (DynamoDB applies the filter after reading); the cursor is still the last key.
    items = list(
        index.query(
            hash_value,
            range_key_condition=range_key_condition,
            scan_index_forward=not newest_first,
            limit=limit + 1,
            last_evaluated_key=start,
            filter_condition=filter_condition,
            page_size=100 if filter_condition is not None else None,
        )
    )
    next_cursor = encode_cursor(items[limit - 1]) if len(items) > limit else None
    return ImagePage(images=[to_image(i) for i in items[:limit]], next_cursor=next_cursor)


# Upload date (the owner-created-index) or date taken (the sparse owner-taken-index).
SORTS = ("newest", "oldest", "taken_newest", "taken_oldest")
SEARCH_MAX = 100


def _day_bounds(uploaded_from: date | None, uploaded_to: date | None):
    """The first and the last instant of those days, in the site's time zone."""
    zone = timezone.get_current_timezone()
    low = datetime.combine(uploaded_from, time.min, zone) if uploaded_from else None
    high = datetime.combine(uploaded_to, time.max, zone) if uploaded_to else None
    if low and high and low > high:
        low, high = (
            datetime.combine(uploaded_to, time.min, zone),
            datetime.combine(uploaded_from, time.max, zone),
        )
    return low, high


def _uploaded_condition(low: datetime | None, high: datetime | None):
    if low and high:
        return ImageItem.created_at.between(low, high)
    if low:
        return ImageItem.created_at >= low
    if high:
        return ImageItem.created_at <= high
    return None


def _filters(visibility: str | None, status: str | None, search: str | None):
    condition = None
    if visibility in VISIBILITIES:
        condition = _and(condition, ImageItem.visibility == visibility)
    if status in STATUSES:
        condition = _and(condition, ImageItem.status == status)
    for word in (search or "")[:SEARCH_MAX].lower().split()[:5]:
        condition = _and(condition, ImageItem.search_text.contains(word))
    return condition


def image_list(
    *,
    owner: str,
    cursor: str | None = None,
    limit: int | None = None,
    sort: str = "newest",
    visibility: str | None = None,
    status: str | None = None,
    search: str | None = None,
    uploaded_from: date | None = None,
    uploaded_to: date | None = None,
) -> ImagePage:
    """The owner's images, never a Scan:

    - by upload date (``newest``, ``oldest``): a Query on the (owner, created_at) index;
      ``uploaded_from`` / ``uploaded_to`` (days, inclusive) are its key condition
      (``BETWEEN``), so only those days are read;
    - by date taken (``taken_newest``, ``taken_oldest``): a Query on the sparse (owner,
      taken_at) index, which holds only photos with a date taken (count the others with
      ``image_count_without_date``); the upload days are a filter there.

    ``visibility``, ``status`` and ``search`` (words in the title, caption or file name,
    any case) are a filter expression on that same Query: it reads only this owner's
    partition of the index, never the table."""
    condition = _filters(visibility, status, search)
    uploaded = _uploaded_condition(*_day_bounds(uploaded_from, uploaded_to))
    if sort in ("taken_newest", "taken_oldest"):
        return _page(
            ImageItem.owner_taken_index,
            "owner",
            owner,
            cursor,
            limit,
            newest_first=sort == "taken_newest",
            filter_condition=_and(condition, uploaded) if uploaded is not None else condition,
            range_name="taken_at",
        )
    return _page(
        ImageItem.owner_index,
        "owner",
        owner,
        cursor,
        limit,
        newest_first=sort != "oldest",
        range_key_condition=uploaded,
        filter_condition=condition,
    )


def image_count_without_date(
    *,
    owner: str,
    visibility: str | None = None,
    status: str | None = None,
    search: str | None = None,
    uploaded_from: date | None = None,
    uploaded_to: date | None = None,
) -> int:
    """How many of the owner's images (with the same filters) have no date taken, so are
    not in the owner-taken-index: a counting Query (``Select=COUNT``) on the owner index.
    It reads the owner's partition (or those upload days), so call it once, not per page."""
    condition = _and(_filters(visibility, status, search), ImageItem.taken_at.does_not_exist())
    return ImageItem.owner_index.count(
        owner,
        range_key_condition=_uploaded_condition(*_day_bounds(uploaded_from, uploaded_to)),
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
