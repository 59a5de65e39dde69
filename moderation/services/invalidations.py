"""CDN invalidation requests (a takedown's last step).

The web function sits in a VPC without a NAT gateway, so it cannot call CloudFront: it
records the request in the invalidations table, whose stream feeds a small function
outside the VPC that calls CreateInvalidation (Terraform). Locally nothing consumes the
requests; the admin shows them on the image's moderation page.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from pynamodb.exceptions import DoesNotExist, PutError

from moderation.exceptions import ModerationError
from moderation.items import InvalidationItem
from moderation.services.common import is_conditional_failure, now

ATTEMPTS = 3
PATHS_MAX = 15  # CloudFront allows 15 wildcard paths in progress per distribution


@dataclass(frozen=True)
class Invalidation:
    id: str
    image_id: str
    paths: list[str]
    requested_by: str
    requested_at: str
    status: str


def _to_invalidation(item: InvalidationItem) -> Invalidation:
    return Invalidation(
        id=item.id,
        image_id=item.image_id,
        paths=list(item.paths or []),
        requested_by=item.requested_by,
        requested_at=item.requested_at,
        status=item.status,
    )


def request_invalidation(*, image_id: str, paths: list[str], requested_by: str) -> Invalidation:
    """Record a request to invalidate ``paths`` (each starting with "/"); one conditional
    put, with a fresh random id (a collision retries, never overwrites)."""
    if (
        not paths
        or len(paths) > PATHS_MAX
        or not all(isinstance(p, str) and p.startswith("/") for p in paths)
    ):
        raise ModerationError("Invalidation paths must be 1 to 15 paths, each starting with '/'.")
    at = now()
    for _ in range(ATTEMPTS):
        item = InvalidationItem(
            secrets.token_hex(16),
            image_id=image_id,
            paths=list(paths),
            requested_by=requested_by,
            requested_at=at.isoformat(),
            status="requested",
            expires_ttl=at + timedelta(days=settings.MODERATION_INVALIDATION_KEEP_DAYS),
        )
        try:
            item.save(condition=InvalidationItem.id.does_not_exist())
        except PutError as exc:
            if is_conditional_failure(exc):
                continue
            raise
        return _to_invalidation(item)
    raise ModerationError("Could not record the invalidation request; try again.")


def invalidations_get(*, ids: list[str]) -> list[Invalidation]:
    """The requests with these ids, newest first: one GetItem each (an image has few; the
    web function's role has no BatchGetItem)."""
    found = []
    for invalidation_id in dict.fromkeys(ids):
        try:
            found.append(_to_invalidation(InvalidationItem.get(invalidation_id)))
        except DoesNotExist:
            continue  # gone by TTL
    return sorted(found, key=lambda i: i.requested_at, reverse=True)
