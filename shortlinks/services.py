"""What short links can do. The only importer of shortlinks.models.

A link points at one of this platform's own objects, named by the image id and a target
name ("page" for the share page, or a rendition name); redirect URLs are built from those
two values only, never from anything a user typed. Resolving a code is one GetItem on the
hash key; visits are counted with one conditional ``ADD visits :1``.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.operand import Path

from gallery import services as gallery
from gallery.exceptions import ImageNotFound
from imageplatform import metrics
from shortlinks import codes
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
SHARED = ("unlisted", "public")
PASSWORD_MAX = 128
MAX_VISITS_LIMIT = 1_000_000_000
# Password attempts are counted on the link item itself (works on Lambda without a shared
# cache), in fixed windows: per client (a hash of its IP) and, to bound guessing from many
# addresses, per link.
_pw_window = Path("pw_window")
_pw_attempts = Path("pw_attempts")
_ALL = "*"


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
        """ "active", "revoked", "expired" or "used up" (for the owner's eyes only)."""
        if self.revoked:
            return "revoked"
        if self.is_expired:
            return "expired"
        if self.is_used_up:
            return "used up"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.state == "active"


# --------------------------------------------------------------------------- helpers
def _now() -> datetime:
    return datetime.now(UTC)


def _setting(name: str, default):
    return getattr(settings, name, default)


def _to_shortlink(item: ShortLinkItem) -> ShortLink:
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
    )


def _is_conditional_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _get_raw(code: str) -> dict | None:
    """The link item as DynamoDB returns it (one strongly consistent GetItem), or None.

    Raw, because the password-attempt counters live beside the declared attributes.
    """
    if not codes.is_well_formed(code):
        return None
    data = ShortLinkItem._get_connection().get_item(code, consistent_read=True)
    return data.get("Item") or None


def _tidy_after() -> timedelta:
    """How long a dead link stays visible to its owner before DynamoDB's TTL removes it."""
    return timedelta(days=_setting("SHORTLINKS_KEEP_DEAD_DAYS", 30))


def _clean_target(image: gallery.Image, target: str | None) -> str:
    target = (target or PAGE).strip()
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
    if expires_at > _now() + timedelta(days=_setting("SHORTLINKS_MAX_EXPIRY_DAYS", 3650)):
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

    Links of a private image are allowed; they answer 404 until the image is shared.
    """
    image = gallery.image_get(image_id=image_id, owner=owner)  # ImageNotFound if not theirs
    target = _clean_target(image, target)
    expires_at = _clean_expiry(expires_at)
    max_visits = _clean_max_visits(max_visits)
    password = _clean_password(password)
    password_hash = make_password(password) if password else None
    length = _setting("SHORTLINKS_CODE_LENGTH", codes.DEFAULT_LENGTH)
    for _ in range(5):
        item = ShortLinkItem(
            codes.generate(length),
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
        return _to_shortlink(item)
    raise ShortCodeExhausted


def shortlink_create_default(*, image_id: str, owner: str) -> ShortLink:
    """The link made at upload: to the image's share page, no options."""
    return shortlink_create(image_id=image_id, owner=owner)


# --------------------------------------------------------------------------- read
def shortlink_list(*, image_id: str, owner: str) -> list[ShortLink]:
    """The links of one of the owner's images, oldest first (a Query on the image index)."""
    gallery.image_get(image_id=image_id, owner=owner)  # ImageNotFound if not theirs
    return [
        _to_shortlink(item)
        for item in ShortLinkItem.image_index.query(image_id, scan_index_forward=True)
        if item.owner == owner
    ]


def shortlink_get(*, code: str, owner: str) -> ShortLink:
    """One of the owner's links (ShortLinkNotFound for anyone else's)."""
    raw = _get_raw(code)
    if raw is None:
        raise ShortLinkNotFound
    link = _to_shortlink(ShortLinkItem.from_raw_data(raw))
    if link.owner != owner:
        raise ShortLinkNotFound
    return link


def shortlink_default_url(*, request, image_id: str) -> str | None:
    """Absolute URL of the image's first active link, or None."""
    for item in ShortLinkItem.image_index.query(image_id, scan_index_forward=True):
        link = _to_shortlink(item)
        if link.is_active:
            return request.build_absolute_uri(link.path)
    return None


# --------------------------------------------------------------------------- resolve
def share_get(*, image_id: str) -> gallery.Image:
    """An image as everyone may see it on its share page: unlisted or public, ready, not
    hidden. Anything else (private, hidden, pending, gone) is ShortLinkNotFound."""
    return _shared_image(image_id)


def _shared_image(image_id: str) -> gallery.Image:
    try:
        image = gallery.image_get(image_id=image_id)
    except ImageNotFound:
        raise ShortLinkNotFound from None
    if image.visibility not in SHARED or image.hidden or not image.is_ready:
        raise ShortLinkNotFound
    return image


def _target_url(image: gallery.Image, target: str) -> str:
    """Built from the image id and the target name only: a site path or a signed file URL."""
    if target == PAGE:
        return reverse("shortlinks:share", args=[image.id])
    rendition = image.renditions.get(target)
    if rendition is None or not rendition.url:
        raise ShortLinkNotFound
    return rendition.url


def shortlink_resolve(*, code: str, password: str | None = None, client: str = "") -> str:
    """The URL a short link redirects to, counting the visit; or an exception.

    ShortLinkNotFound for unknown, revoked, expired, used-up links and links whose image is
    private, hidden, not ready or gone: all alike. For a password-protected, usable link:
    PasswordRequired (no password given), PasswordIncorrect, TooManyAttempts. ``client``
    identifies the visitor for the attempt limit (the view passes the IP address).
    """
    raw = _get_raw(code)
    if raw is None:
        raise ShortLinkNotFound
    link = _to_shortlink(ShortLinkItem.from_raw_data(raw))
    if not link.is_active:
        raise ShortLinkNotFound
    image = _shared_image(link.image_id)
    url = _target_url(image, link.target)
    if link.has_password:
        _check_password(code, raw, password, client)
    _count_visit(code)
    metrics.count("shortlink.hit")
    return url


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
        ShortLinkItem._get_connection().update_item(
            code,
            actions=[ShortLinkItem.visits.add(1), ShortLinkItem.last_visit_at.set(now)],
            condition=condition,
        )
    except UpdateError as exc:
        if _is_conditional_failure(exc):
            raise ShortLinkNotFound from None
        raise


# --------------------------------------------------------------------------- passwords
def _client_key(client: str) -> str:
    # A hash, not the address: the item is readable by the owner's tools and backups.
    return "c" + hashlib.sha256(f"{settings.SECRET_KEY}|{client}".encode()).hexdigest()[:20]


def _check_password(code: str, raw: dict, password: str | None, client: str) -> None:
    if password is None or password == "":
        raise PasswordRequired
    window_seconds = _setting("SHORTLINKS_PASSWORD_WINDOW", 900)
    window = int(_now().timestamp()) // window_seconds
    key = _client_key(client)
    if not _reserve_attempt(code, key, window):
        raise TooManyAttempts(retry_after=(window + 1) * window_seconds - int(_now().timestamp()))
    if len(password) <= PASSWORD_MAX and check_password(password, raw["password_hash"]["S"]):
        _release_attempt(code, key, window)  # only failures use up the allowance
        return
    raise PasswordIncorrect


def _update_raw(code: str, actions: list, condition) -> bool:
    try:
        ShortLinkItem._get_connection().update_item(code, actions=actions, condition=condition)
    except UpdateError as exc:
        if _is_conditional_failure(exc):
            return False
        raise
    return True


def _reserve_attempt(code: str, key: str, window: int) -> bool:
    """Count an attempt before checking the password (so parallel guesses count too);
    False when this client or this link has used up the window's allowance."""
    per_client = _setting("SHORTLINKS_PASSWORD_ATTEMPTS", 5)
    per_link = _setting("SHORTLINKS_PASSWORD_ATTEMPTS_PER_LINK", 50)
    mine, everyone = _pw_attempts[key], _pw_attempts[_ALL]
    for _ in range(3):
        if _update_raw(
            code,
            [mine.set((mine | 0) + 1), everyone.set((everyone | 0) + 1)],
            (_pw_window == window)
            & (mine.does_not_exist() | (mine < per_client))
            & (everyone.does_not_exist() | (everyone < per_link)),
        ):
            return True
        # Either the window is over (start a new one) or the allowance is used up.
        if not _update_raw(
            code,
            [_pw_window.set(window), _pw_attempts.set({key: 1, _ALL: 1})],
            ShortLinkItem.code.exists() & (_pw_window.does_not_exist() | (_pw_window < window)),
        ):
            if _window_of(code) == window:
                return False
            continue
        return True
    return False


def _window_of(code: str) -> int | None:
    raw = _get_raw(code) or {}
    value = raw.get("pw_window", {}).get("N")
    return int(value) if value is not None else None


def _release_attempt(code: str, key: str, window: int) -> None:
    mine, everyone = _pw_attempts[key], _pw_attempts[_ALL]
    _update_raw(
        code,
        [mine.set(mine - 1), everyone.set(everyone - 1)],
        (_pw_window == window) & (mine > 0) & (everyone > 0),
    )


# --------------------------------------------------------------------------- revoke
def _revoke_actions() -> list:
    return [ShortLinkItem.revoked.set(1), ShortLinkItem.expires_ttl.set(_now() + _tidy_after())]


def shortlink_revoke(*, code: str, owner: str, image_id: str | None = None) -> ShortLink:
    """Revoke one of the owner's links (for good). ShortLinkNotFound for anyone else's."""
    if not codes.is_well_formed(code):
        raise ShortLinkNotFound
    condition = ShortLinkItem.code.exists() & (ShortLinkItem.owner == owner)
    if image_id is not None:
        condition &= ShortLinkItem.image_id == image_id
    item = ShortLinkItem(code)
    try:
        item.update(actions=_revoke_actions(), condition=condition, add_version_condition=False)
    except UpdateError as exc:
        if _is_conditional_failure(exc):
            raise ShortLinkNotFound from None
        raise
    return _to_shortlink(item)


def shortlink_disable_for_image(*, image_id: str) -> None:
    """Revoke every link of an image: on delete, on private, on a moderator's hide.

    A Query on the image index (never a Scan), then one update per live link.
    """
    for item in ShortLinkItem.image_index.query(image_id):
        if item.revoked:
            continue
        try:
            ShortLinkItem._get_connection().update_item(
                item.code, actions=_revoke_actions(), condition=ShortLinkItem.code.exists()
            )
        except UpdateError as exc:
            if not _is_conditional_failure(exc):
                raise
