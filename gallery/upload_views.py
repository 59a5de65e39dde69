"""The upload page's direct path (static/js/upload.js): the same services as
POST /api/v1/uploads, for the signed-in session (CSRF header), answering JSON.

    POST /upload/start/              {"filename", "size", "content_type", "title"?, "visibility"?}
    POST /upload/<id>/complete/      -> {"id", "status"}
    GET  /upload/<id>/status/        -> the image's status and, once ready, its thumbnail
"""

import functools
import json

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gallery import services
from gallery.services import uploads
from imageplatform.errors import PlatformError


def _error(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _json_view(view):
    """Signed in (401 as JSON, not a redirect to the login page) and errors as JSON."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error("not_authenticated", "Sign in again to upload.", 401)
        try:
            return view(request, *args, **kwargs)
        except PlatformError as exc:  # a store outage goes on to the middleware's 503
            return _error(exc.code, exc.detail, exc.status)

    return functools.wraps(view)(wrapper)


def _status(image: services.Image) -> dict:
    thumb = image.rendition("thumb")
    return {
        "id": image.id,
        "status": image.status,
        "reason": image.reason,
        "title": image.display_title,
        "url": reverse("gallery:detail", args=[image.id]),
        "thumb_url": thumb.url if thumb else None,
        "width": image.width,
        "height": image.height,
    }


@require_POST
@_json_view
def start(request):
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _error("invalid_request", "The body is not valid JSON.", 400)
    if not isinstance(body, dict):
        return _error("invalid_request", "The body must be a JSON object.", 400)
    size = body.get("size")
    if isinstance(size, bool) or not isinstance(size, int):
        return _error("invalid_request", "size must be the file's size in bytes.", 400)
    texts = {}
    for name in ("filename", "content_type", "title", "visibility"):
        value = body.get(name, "")
        if not isinstance(value, str):
            return _error("invalid_request", f"{name} must be text.", 400)
        texts[name] = value
    started = uploads.upload_create(
        owner=str(request.user.pk),
        filename=texts["filename"][:255],
        size=size,
        content_type=texts["content_type"][:100],
        title=texts["title"],
        visibility=texts["visibility"] or "private",
    )
    return JsonResponse(
        {
            "id": started.image.id,
            "status": started.image.status,
            "upload": {"url": started.url, "fields": started.fields},
            "expires_at": started.expires_at.isoformat(),
        },
        status=201,
    )


@require_POST
@_json_view
def complete(request, image_id):
    image = uploads.upload_complete(image_id=image_id, owner=str(request.user.pk))
    return JsonResponse(_status(image), status=202)


@require_GET
@_json_view
def status(request, image_id):
    image = services.image_get(image_id=image_id, owner=str(request.user.pk))
    response = JsonResponse(_status(image))
    response["Cache-Control"] = "no-store"
    return response
