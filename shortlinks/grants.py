"""Grants: what a visit through a short link leaves with the visitor.

An unlisted image is reachable only through a live link. Following one redirects to the
share page with a grant: the link's code and the image id, signed with the site's key and
dated, so it cannot be forged or moved to another image. The share page accepts it for
``SHORTLINKS_GRANT_SECONDS`` and keeps it in a cookie for the rest of the visit; it also
checks, on every view, that the link is still live, so revoking or expiry ends it.
"""

from django.conf import settings
from django.core import signing

SALT = "shortlinks.grant"
QUERY = "g"


def cookie_name(image_id: str) -> str:
    return f"share_{image_id}"


def grant_make(*, image_id: str, code: str) -> str:
    return signing.dumps({"i": image_id, "c": code}, salt=SALT, compress=False)


def grant_read(value: str | None, *, image_id: str) -> str | None:
    """The code a valid grant for ``image_id`` was made for, else None."""
    if not value or not isinstance(value, str) or len(value) > 512:
        return None
    try:
        data = signing.loads(value, salt=SALT, max_age=settings.SHORTLINKS_GRANT_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("i") != image_id or not isinstance(data.get("c"), str):
        return None
    return data["c"]
