"""Accounts: API tokens for the JSON API, and the per-address sign-up limit."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.exceptions import SignupLimitReached
from accounts.models import ApiToken, SignupRecord, hash_token
from imageplatform import text


@dataclass(frozen=True)
class NewToken:
    id: int
    token: str  # shown once, never stored
    name: str


def token_create(*, user, name: str = "") -> NewToken:
    # A label only: cleaned (imageplatform.text) and cut to fit, never refused.
    name = text.clean_text(str(name or "")[:100], limit=100, label="The token name", replace_invalid=True)
    token = ApiToken.generate()
    row = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(token), prefix=token[:12])
    return NewToken(id=row.id, token=token, name=row.name)


def token_revoke(*, user, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, id=token_id).delete()
    return bool(deleted)


def token_list(*, user):
    return list(ApiToken.objects.filter(user=user))


def token_authenticate(token: str):
    """The active user owning ``token``, or None."""
    if not token or len(token) > 200:
        return None
    row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def signup_limit_check(*, ip_address: str | None) -> None:
    """Raise SignupLimitReached when ACCOUNTS_SIGNUP_LIMIT accounts were made from
    ``ip_address`` in the last ACCOUNTS_SIGNUP_WINDOW seconds (counted in the database)."""
    now = timezone.now()
    window = timedelta(seconds=settings.ACCOUNTS_SIGNUP_WINDOW)
    limit = settings.ACCOUNTS_SIGNUP_LIMIT
    recent = SignupRecord.objects.filter(ip_address=ip_address, created_at__gt=now - window)
    times = list(recent.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if len(times) < limit:
        return
    until = times[-1] + window  # when the oldest of the last ``limit`` sign-ups leaves the window
    raise SignupLimitReached(until=until, retry_after=max(1, math.ceil((until - now).total_seconds())))


def signup_record(*, ip_address: str | None) -> None:
    """Count one account made from ``ip_address``, and forget records older than the window."""
    now = timezone.now()
    SignupRecord.objects.filter(
        created_at__lte=now - timedelta(seconds=settings.ACCOUNTS_SIGNUP_WINDOW)
    ).delete()
    SignupRecord.objects.create(ip_address=ip_address, created_at=now)
