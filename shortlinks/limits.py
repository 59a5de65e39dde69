"""Password attempts on a short link, counted on the link item itself.

Works on Lambda without a shared cache: every count is a conditional update of the
link's declared ``pw_window`` and ``pw_attempts`` attributes. Attempts count in fixed
windows, per client (a hash of its address, never the address) and, to bound guessing
from many addresses, per link (the ``"*"`` counter). An attempt is reserved before the
password is checked, so parallel guesses are all counted; a correct password gives its
attempt back, so only failures use up the allowance.
"""

import hashlib
from datetime import UTC, datetime

from django.conf import settings
from pynamodb.exceptions import DoesNotExist, UpdateError

from shortlinks.models import ShortLinkItem

ALL = "*"


def _now_seconds() -> int:
    return int(datetime.now(UTC).timestamp())


def client_key(client: str) -> str:
    # A hash, not the address: the item is readable by the owner's tools and backups.
    return "c" + hashlib.sha256(f"{settings.SECRET_KEY}|{client}".encode()).hexdigest()[:20]


def current_window() -> tuple[int, int]:
    """(window number, seconds until it ends)."""
    size = settings.SHORTLINKS_PASSWORD_WINDOW
    now = _now_seconds()
    return now // size, (now // size + 1) * size - now


def _update(code: str, actions: list, condition) -> bool:
    """One conditional update; False when the condition did not hold."""
    try:
        ShortLinkItem(code).update(actions=actions, condition=condition)
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _window_of(code: str) -> int | None:
    try:
        item = ShortLinkItem.get(code, consistent_read=True, attributes_to_get=["code", "pw_window"])
    except DoesNotExist:
        return None
    return int(item.pw_window) if item.pw_window is not None else None


def attempt_reserve(*, code: str, client: str, window: int) -> bool:
    """Count one attempt; False when this client or this link used up the window's allowance."""
    key = client_key(client)
    mine, everyone = ShortLinkItem.pw_attempts[key], ShortLinkItem.pw_attempts[ALL]
    per_client = settings.SHORTLINKS_PASSWORD_ATTEMPTS
    per_link = settings.SHORTLINKS_PASSWORD_ATTEMPTS_PER_LINK
    for _ in range(3):
        if _update(
            code,
            [mine.set((mine | 0) + 1), everyone.set((everyone | 0) + 1)],
            (ShortLinkItem.pw_window == window)
            & (mine.does_not_exist() | (mine < per_client))
            & (everyone.does_not_exist() | (everyone < per_link)),
        ):
            return True
        # Either the window is over (start a new one) or the allowance is used up.
        if _update(
            code,
            [ShortLinkItem.pw_window.set(window), ShortLinkItem.pw_attempts.set({key: 1, ALL: 1})],
            ShortLinkItem.code.exists()
            & (ShortLinkItem.pw_window.does_not_exist() | (ShortLinkItem.pw_window < window)),
        ):
            return True
        if _window_of(code) == window:
            return False
    return False


def attempt_release(*, code: str, client: str, window: int) -> None:
    """Give back an attempt that turned out to be the right password."""
    key = client_key(client)
    mine, everyone = ShortLinkItem.pw_attempts[key], ShortLinkItem.pw_attempts[ALL]
    _update(
        code,
        [mine.set(mine - 1), everyone.set(everyone - 1)],
        (ShortLinkItem.pw_window == window) & (mine > 0) & (everyone > 0),
    )
