"""What short links can do. The only importer of shortlinks.models (with limits.py).

A link points at one of this platform's own objects, named by the image id and a target
name ("page" for the share page, or a rendition name); redirect URLs are built from those
two values only, never from anything a user typed. Resolving a code is one GetItem on the
hash key; visits are counted with one conditional ``ADD visits :1``.

A link lives with its image: while the image is private, hidden or not ready, its links
are *suspended* (they answer 404) and they work again when the image is shared again.
Only the owner's "Revoke", or deleting the image, ends a link for good.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from gallery import services as gallery
from gallery.exceptions import ImageNotFound
from imageplatform import metrics, text
from shortlinks import codes, limits
from shortlinks.exceptions import (
    InvalidLinkOption,
    PasswordIncorrect,
    PasswordRequired,
    ShortCodeExhausted,
    ShortLinkNotFound,
    TooManyAttempts,
)
from shortlinks.models import ShortLinkItem

log = logging.getLogger(__name__)

PAGE = "page"
PASSWORD_MAX = 128
MAX_VISITS_LIMIT = 1_000_000_000


@dataclass(frozen=True)
class ShortLink:
    code: str
    image_id: str
    owner: str
    target: str
    created_at: datetime
    expires_at: datetime | None
    max_visits: int | None
    visits: int
    last_visit_at: datetime | None
    has_password: bool
    revoked: bool
    suspended: bool = False  # the image is not shared now (private, hidden, not ready)

    @property
    def path(self) -> str:
        return reverse("shortlinks:redirect", args=[self.code])

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= _now()

    @property
    def is_used_up(self) -> bool:
        return self.max_visits is not None and self.visits >= self.max_visits

    @property
    def state(self) -> str:
        """ "active", "suspended", "revoked", "expired" or "used up" (for the owner's eyes)."""
        if self.revoked:
            return "revoked"
        if self.is_expired:
            return "expired"
        if self.is_used_up:
            return "used up"
        if self.suspended:
            return "suspended"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.state == "active"

    @property
    def is_live(self) -> bool:
        """Usable as soon as its image is shared: not revoked, expired or used up."""
        return self.state in ("active", "suspended")


# --------------------------------------------------------------------------- helpers
def _now() -> datetime:
    return datetime.now(UTC)


def _to_shortlink(item: ShortLinkItem, *, suspended: bool = False) -> ShortLink:
    return ShortLink(
        code=item.code,
        image_id=item.image_id,
        owner=item.owner,
        target=item.target or PAGE,
        created_at=item.created_at,
        expires_at=item.expires_at,
        max_visits=int(item.max_visits) if item.max_visits is not None else None,
        visits=int(item.visits or 0),
        last_visit_at=item.last_visit_at,
        has_password=bool(item.password_hash),
        revoked=bool(item.revoked),
        suspended=suspended,
    )


def _is_conditional_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _get_item(code: str) -> ShortLinkItem | None:
    """The link item (one strongly consistent GetItem), or None."""
    if not codes.is_well_formed(code):
        return None
    try:
        return ShortLinkItem.get(code, consistent_read=True)
    except DoesNotExist:
        return None


def _tidy_after() -> timedelta:
    """How long a dead link stays visible to its owner before DynamoDB's TTL removes it."""
    return timedelta(days=settings.SHORTLINKS_KEEP_DEAD_DAYS)


def _clean_target(image: gallery.Image, target: str | None) -> str:
    target = (target or PAGE).strip() if isinstance(target, str) else PAGE
    if target == PAGE or target in image.renditions:
        return target
    choices = ", ".join([PAGE, *sorted(image.renditions)])
    raise InvalidLinkOption(f"The target must be one of: {choices}.")


def _clean_expiry(expires_at: datetime | None) -> datetime | None:
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        raise InvalidLinkOption("The expiry time needs a time zone (for example 2030-01-01T00:00:00Z).")
    expires_at = expires_at.astimezone(UTC)
    if expires_at <= _now():
        raise InvalidLinkOption("The expiry time must be in the future.")
    if expires_at > _now() + timedelta(days=settings.SHORTLINKS_MAX_EXPIRY_DAYS):
        raise InvalidLinkOption("The expiry time is too far in the future.")
    return expires_at


def _clean_max_visits(max_visits: int | None) -> int | None:
    if max_visits is None:
        return None
    if (
        isinstance(max_visits, bool)
        or not isinstance(max_visits, int)
        or not 1 <= max_visits <= MAX_VISITS_LIMIT
    ):
        raise InvalidLinkOption(f"The visit limit must be a whole number from 1 to {MAX_VISITS_LIMIT:,}.")
    return max_visits


def _clean_password(password: str | None) -> str | None:
    if password is None or password == "":
        return None
    if not isinstance(password, str) or len(password) > PASSWORD_MAX:
        raise InvalidLinkOption(f"The password can have at most {PASSWORD_MAX} characters.")
    try:  # a password must survive being hashed and typed again: valid text, no controls
        typeable = text.clean_text(password, limit=PASSWORD_MAX, label="The password")
    except text.InvalidText as exc:
        raise InvalidLinkOption(str(exc)) from None
    if typeable != password.strip():
        raise InvalidLinkOption("The password contains control characters that cannot be typed.")
    return password


# --------------------------------------------------------------------------- create
def shortlink_create(
    *,
    image_id: str,
    owner: str,
    target: str = PAGE,
    expires_at: datetime | None = None,
    max_visits: int | None = None,
    password: str | None = None,
) -> ShortLink:
    """A new link to one of the owner's images (its share page, or one rendition).

    Links of a private image are allowed; they are suspended until the image is shared.
    """
    image = gallery.image_get(image_id=image_id, owner=owner, with_urls=False)
    target = _clean_target(image, target)
    expires_at = _clean_expiry(expires_at)
    max_visits = _clean_max_visits(max_visits)
    password = _clean_password(password)
    password_hash = make_password(password) if password else None
    for _ in range(5):
        item = ShortLinkItem(
            codes.generate(settings.SHORTLINKS_CODE_LENGTH),
            image_id=image.id,
            owner=owner,
            target=target,
            created_at=_now(),
            expires_at=expires_at,
            expires_ttl=expires_at + _tidy_after() if expires_at else None,
            max_visits=max_visits,
            visits=0,
            password_hash=password_hash,
            revoked=0,
        )
        try:
            item.save(condition=ShortLinkItem.code.does_not_exist())
        except PutError as exc:
            if not _is_conditional_failure(exc):
                raise
            log.warning("short code collision, retrying")
            continue
        return _to_shortlink(item, suspended=not image.is_shared)
    raise ShortCodeExhausted


def shortlink_create_default(*, image_id: str, owner: str) -> ShortLink:
    """The link made at upload (to the share page, no options), recorded on the image."""
    link = shortlink_create(image_id=image_id, owner=owner)
    gallery.image_set_short_code(image_id=image_id, code=link.code)
    return link


# --------------------------------------------------------------------------- read
def shortlink_list(*, image: gallery.Image) -> list[ShortLink]:
    """The links of an image the caller already holds (and may see), oldest first: one
    Query on the image index. Each link's state reflects the image's (suspended)."""
    return [
        _to_shortlink(item, suspended=not image.is_shared)
        for item in ShortLinkItem.image_index.query(image.id, scan_index_forward=True)
        if item.owner == image.owner
    ]


def shortlink_list_for_owner(*, image_id: str, owner: str) -> list[ShortLink]:
    """The links of one of the owner's images (ImageNotFound if not theirs)."""
    image = gallery.image_get(image_id=image_id, owner=owner, with_urls=False)
    return shortlink_list(image=image)


def shortlink_get(*, code: str, owner: str) -> ShortLink:
    """One of the owner's links (ShortLinkNotFound for anyone else's)."""
    item = _get_item(code)
    if item is None or item.owner != owner:
        raise ShortLinkNotFound
    return _to_shortlink(item)


# --------------------------------------------------------------------------- resolve
def _shared_image(image_id: str, *, with_urls: bool) -> gallery.Image:
    """The image if it is shared now; ShortLinkNotFound for anything else. Visibility is
    decided before any URL is signed, so a private image costs what a missing one does."""
    try:
        image = gallery.image_get(image_id=image_id, with_urls=False)
    except ImageNotFound:
        raise ShortLinkNotFound from None
    if not image.is_shared:
        raise ShortLinkNotFound
    return gallery.image_get(image_id=image_id) if with_urls else image


@dataclass(frozen=True)
class Resolution:
    """Where a link leads: the share page (``image_id`` plus a grant for it) or a file."""

    code: str
    image_id: str
    target: str
    file_url: str | None  # a signed URL, for links to one rendition


def shortlink_resolve(*, code: str, password: str | None = None, client: str = "") -> Resolution:
    """Follow a short link, counting the visit; or an exception.

    ShortLinkNotFound for unknown, revoked, expired, used-up and suspended links (image
    private, hidden, not ready or gone): all alike. For a password-protected, usable link:
    PasswordRequired (no password given), PasswordIncorrect, TooManyAttempts. ``client``
    identifies the visitor for the attempt limit (the view passes the IP address).
    """
    item = _get_item(code)
    if item is None:
        raise ShortLinkNotFound
    link = _to_shortlink(item)
    if not link.is_active:
        raise ShortLinkNotFound
    image = _shared_image(link.image_id, with_urls=False)
    if link.target != PAGE and link.target not in image.renditions:
        raise ShortLinkNotFound
    if link.has_password:
        _check_password(code, item.password_hash, password, client)
    _count_visit(code)
    metrics.count("shortlink.hit")
    file_url = None
    if link.target != PAGE:  # sign only what the answer uses, and only now
        file_url = gallery.image_get(image_id=image.id).renditions[link.target].url
    return Resolution(code=code, image_id=image.id, target=link.target, file_url=file_url)


def _count_visit(code: str) -> None:
    """One atomic ADD, refused when the link was revoked, expired or used up meanwhile, so
    concurrent visits are all counted and the limit is never exceeded."""
    now = _now()
    condition = (
        ShortLinkItem.code.exists()
        & (ShortLinkItem.revoked == 0)
        & (ShortLinkItem.max_visits.does_not_exist() | (ShortLinkItem.visits < ShortLinkItem.max_visits))
        & (ShortLinkItem.expires_at.does_not_exist() | (ShortLinkItem.expires_at > now))
    )
    try:
        ShortLinkItem(code).update(
            actions=[ShortLinkItem.visits.add(1), ShortLinkItem.last_visit_at.set(now)],
            condition=condition,
        )
    except UpdateError as exc:
        if _is_conditional_failure(exc):
            raise ShortLinkNotFound from None
        raise


def _check_password(code: str, password_hash: str, password: str | None, client: str) -> None:
    if password is None or password == "":
        raise PasswordRequired
    window, retry_after = limits.current_window()
    if not limits.attempt_reserve(code=code, client=client, window=window):
        raise TooManyAttempts(retry_after=retry_after)
    if (
        isinstance(password, str)
        and len(password) <= PASSWORD_MAX
        and check_password(password, password_hash)
    ):
        limits.attempt_release(code=code, client=client, window=window)
        return
    raise PasswordIncorrect


# --------------------------------------------------------------------------- share page
def share_get(*, image_id: str, grant_code: str | None = None, viewer: str | None = None) -> gallery.Image:
    """The image of a share page, with its file URLs, for someone allowed to see it:

    - a public image: anyone;
    - an unlisted image: its owner, or a visitor holding a grant from a link of this
      image that is still live (not revoked, expired or used up meanwhile; ``grant_code``
      is the code the grant was made for, checked by the caller's signature).

    Anything else is ShortLinkNotFound, decided before any URL is signed.
    """
    image = _shared_image(image_id, with_urls=False)
    if image.visibility != "public" and viewer != image.owner:
        item = _get_item(grant_code) if grant_code else None
        if item is None or item.image_id != image.id or item.revoked or _to_shortlink(item).is_expired:
            raise ShortLinkNotFound
    return gallery.image_get(image_id=image.id)


# --------------------------------------------------------------------------- revoke
def _revoke_actions() -> list:
    return [ShortLinkItem.revoked.set(1), ShortLinkItem.expires_ttl.set(_now() + _tidy_after())]


def shortlink_revoke(*, code: str, owner: str, image_id: str | None = None) -> ShortLink:
    """Revoke one of the owner's links (for good). ShortLinkNotFound for anyone else's.
    When it was the image's default link, the image forgets it."""
    if not codes.is_well_formed(code):
        raise ShortLinkNotFound
    condition = ShortLinkItem.code.exists() & (ShortLinkItem.owner == owner)
    if image_id is not None:
        condition &= ShortLinkItem.image_id == image_id
    item = ShortLinkItem(code)
    try:
        item.update(actions=_revoke_actions(), condition=condition)
    except UpdateError as exc:
        if _is_conditional_failure(exc):
            raise ShortLinkNotFound from None
        raise
    gallery.image_set_short_code(image_id=item.image_id, code=None, only_if=code)
    return _to_shortlink(item)


def shortlink_revoke_for_image(*, image_id: str) -> int:
    """Revoke every live link of an image (it is being deleted). A Query on the image
    index (never a Scan), then one update per live link. Returns how many."""
    count = 0
    for item in ShortLinkItem.image_index.query(image_id):
        if item.revoked:
            continue
        try:
            ShortLinkItem(item.code).update(actions=_revoke_actions(), condition=ShortLinkItem.code.exists())
            count += 1
        except UpdateError as exc:
            if not _is_conditional_failure(exc):
                raise
    return count


# --------------------------------------------------------------------------- stores
def shortlink_stores_ensure() -> dict[str, bool]:
    """Create the short links table when missing (idempotent): {name: created}."""
    exists = ShortLinkItem.exists()
    if not exists:
        ShortLinkItem.create_table(wait=True, ignore_update_ttl_errors=True)
    return {ShortLinkItem.Meta.table_name: not exists}


def shortlink_stores_check() -> dict[str, callable]:
    """{store name: a function that raises when that store cannot be reached}."""

    def table():
        _get_item("healthzhealthz")

    return {"shortlinks_table": table}
