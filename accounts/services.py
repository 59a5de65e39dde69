"""Accounts: API tokens for the JSON API."""

from dataclasses import dataclass

from django.utils import timezone

from accounts.models import ApiToken, hash_token


@dataclass(frozen=True)
class NewToken:
    id: int
    token: str  # shown once, never stored
    name: str


def token_create(*, user, name: str = "") -> NewToken:
    token = ApiToken.generate()
    row = ApiToken.objects.create(user=user, name=name[:100], key_hash=hash_token(token), prefix=token[:12])
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
