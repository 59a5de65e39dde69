"""Errors in the documented shape wherever Django or a store fails outside the API's
handlers: JSON ``{"error", "detail"}`` under /api/, the error page elsewhere.

- ``ApiJsonErrorsMiddleware``: 405 answers that Django makes by itself become JSON.
- ``MalformedRequestMiddleware``: refuses a non-numeric Content-Length (400) and a
  charset that is no text encoding (415) before anyone reads the request.
- ``StoreOutageMiddleware``: a page whose store is down answers 503 with Retry-After.
"""

import codecs

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from imageplatform import outages


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, code: str, detail: str, status: int, *, title: str = "Bad request"):
    """JSON under /api/, the site's error page elsewhere."""
    if is_api(request):
        return JsonResponse({"error": code, "detail": detail}, status=status)
    return render(request, "error.html", {"title": title, "detail": detail}, status=status)


def body_error(exc: Exception) -> tuple[str, str, int] | None:
    """(code, detail, status) of a request body Django refused to parse, else None."""
    if isinstance(exc, RequestDataTooBig):
        return "request_too_large", "The request body is larger than the limit.", 413
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return "too_many_fields", "The request has too many form fields or files.", 400
    if isinstance(exc, MultiPartParserError):
        return "malformed_request", f"The multipart body could not be parsed: {exc}", 400
    if isinstance(exc, (SuspiciousOperation, BadRequest, UnreadablePostError)):
        return "malformed_request", "The request body could not be read.", 400
    return None


def is_text_encoding(charset: str) -> bool:
    try:
        return codecs.lookup(charset)._is_text_encoding
    except (LookupError, TypeError, ValueError):
        return False


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code == 405
            and "json" not in response.get("Content-Type", "")
        ):
            allowed = response.get("Allow", "")
            json_response = JsonResponse(
                {
                    "error": "method_not_allowed",
                    "detail": f"{request.method} is not allowed here. Allowed: {allowed}.",
                },
                status=405,
            )
            json_response["Allow"] = allowed
            return json_response
        return response


class MalformedRequestMiddleware:
    """Refuses, before anything reads the request, what Django would fail on later with a
    500: a Content-Length that is not a number, and a charset that is no text encoding.
    Bodies that do not parse are refused where they are parsed: by Django's handlers for
    pages (handler400), by the API's exception handlers under /api/ (``body_error``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH")
        if length and not (length.isascii() and length.isdigit()):
            return error_response(
                request, "bad_content_length", "The Content-Length header is not a number.", 400
            )
        charset = request.content_params.get("charset")
        if charset is not None and not is_text_encoding(charset):
            return error_response(
                request,
                "unsupported_charset",
                "The charset of the Content-Type is not a known text encoding.",
                415,
                title="Unsupported charset",
            )
        return self.get_response(request)


class StoreOutageMiddleware:
    """A view whose store is down (see imageplatform.outages) answers 503, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if outages.outage(exception) is None:
            return None
        outages.log_outage(exception)
        response = error_response(
            request, "store_unavailable", outages.DETAIL, 503, title="Temporarily unavailable"
        )
        return outages.unavailable_headers(response)
