"""Refuse oversized uploads before Django reads the body."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

# room for the multipart envelope and the small form fields around the file
ENVELOPE = 1024 * 1024


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.GALLERY_MAX_INLINE_UPLOAD_BYTES
            if length > limit + ENVELOPE:
                detail = (
                    f"The upload is {length:,} bytes; the limit is {limit:,} bytes per file through "
                    f"this request. Send larger files (up to {settings.GALLERY_MAX_UPLOAD_BYTES:,} bytes) "
                    "with a direct upload: POST /api/v1/uploads."
                )
                if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
                    return JsonResponse({"error": "file_too_large", "detail": detail}, status=413)
                return render(
                    request, "error.html", {"title": "File too large", "detail": detail}, status=413
                )
        return self.get_response(request)
