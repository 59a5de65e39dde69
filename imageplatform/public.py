"""Absolute URLs on the public origin.

Every absolute URL the app makes (short links, QR codes, share pages, API links) goes
through ``absolute_url``. In production ``PUBLIC_ORIGIN`` names the CloudFront or custom
domain (``https://images.example.com``): the request's Host there is API Gateway's, which
visitors must never see. Locally and in tests, with no ``PUBLIC_ORIGIN``, the request's
own scheme and host are used.
"""

from django.conf import settings


def public_origin() -> str:
    """The configured public origin without a trailing slash, or "" when unset."""
    return (getattr(settings, "PUBLIC_ORIGIN", "") or "").rstrip("/")


def absolute_url(request, path: str) -> str:
    """``path`` (starting with /) on the public origin, else on the request's host."""
    origin = public_origin()
    if origin:
        return origin + path
    return request.build_absolute_uri(path)
