"""Origin lock: only requests that came through CloudFront reach the app.

CloudFront adds a secret header (``X-Origin-Verify``) to every request it forwards to
API Gateway; calls made straight to the API Gateway URL lack it and get 403, before any
view, session or database work. Two values are accepted, the current and the previous
one (both from the app secret), so the header rotates without downtime: put the new
value in ``origin_verify_current`` and the old one in ``origin_verify_previous``, then
change CloudFront's header, then drop the previous value.

Every value is compared in constant time (``hmac.compare_digest``), all of them each
time. The header is removed from the request once checked, so nothing later (logs, error
reports) can see it. S3 and SNS events are not HTTP requests and never pass here.

Settings: ``ORIGIN_VERIFY_HEADER`` (the header's name) and ``ORIGIN_VERIFY_VALUES`` (the
accepted values; empty values are ignored, and with none at all every request is refused:
the lock fails closed).
"""

import hmac

from django.conf import settings
from django.http import HttpResponse, JsonResponse

DETAIL = "Requests must come through the site's public address."


def _meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def origin_verified(value: str, accepted) -> bool:
    """True when ``value`` equals one of ``accepted`` (constant time, no early exit)."""
    given = (value or "").encode()
    ok = False
    for candidate in accepted:
        if candidate:
            ok |= hmac.compare_digest(given, str(candidate).encode())
    return ok and bool(given)


class OriginVerifyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _meta_key(getattr(settings, "ORIGIN_VERIFY_HEADER", "X-Origin-Verify"))
        value = request.META.pop(key, "")
        if not origin_verified(value, getattr(settings, "ORIGIN_VERIFY_VALUES", ())):
            return self.forbidden(request)
        return self.get_response(request)

    @staticmethod
    def forbidden(request):
        if request.path.startswith("/api/"):
            return JsonResponse({"error": "forbidden", "detail": DETAIL}, status=403)
        return HttpResponse(DETAIL + "\n", status=403, content_type="text/plain; charset=utf-8")
