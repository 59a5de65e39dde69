"""The JSON API (/api/v1/), with its OpenAPI document at /api/v1/openapi.json.

Errors are always JSON ``{"error": code, "detail": text}``: a 4xx for the client's
mistakes, 503 with ``Retry-After`` while a store is down, 500 for our own bugs (logged).
JSON bodies must be objects sent as ``Content-Type: application/json``.
"""

import json
import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from accounts.services import token_authenticate
from imageplatform import outages
from imageplatform.errors import PlatformError
from imageplatform.middleware import body_error

log = logging.getLogger(__name__)


class UnsupportedMediaType(PlatformError):
    code = "unsupported_media_type"
    status = 415
    default_detail = "Send the body as JSON with 'Content-Type: application/json'."


class NotAJsonObject(PlatformError):
    code = "invalid_request"
    default_detail = "The body must be a JSON object."


class JsonObjectParser(Parser):
    """JSON bodies: only ``application/json``, only an object (never a bare string or a
    list that ninja would otherwise spread over the fields)."""

    def parse_body(self, request):
        if request.content_type != "application/json":
            raise UnsupportedMediaType
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise NotAJsonObject("The body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise NotAJsonObject
        return data

    def parse_querydict(self, data, list_fields, request):
        """Form fields and files: only from a multipart body (uploads)."""
        if data is not request.GET and request.content_type != "multipart/form-data":
            raise UnsupportedMediaType("Send the upload as multipart/form-data.")
        return super().parse_querydict(data, list_fields, request)


class BearerToken(HttpBearer):
    openapi_description = "An API token: create one on the Tokens page or with `manage.py createtoken`."

    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Image platform API",
    version="1",
    description="Upload images, get renditions, manage them and share them with short links.",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    parser=JsonObjectParser(),
)


def error(request, code: str, detail: str, status: int, headers: dict | None = None):
    response = api.create_response(request, {"error": code, "detail": detail}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(PlatformError)
def on_platform_error(request, exc: PlatformError):
    return error(request, exc.code, exc.detail, exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error(
        request,
        "unauthorized",
        "Send a valid API token as 'Authorization: Bearer <token>'.",
        401,
        {"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    parts = []
    for err in exc.errors[:5]:
        loc = [str(p) for p in err.get("loc", [])]
        # ("body", <the view's parameter name>, field, ...) or (source, field, ...)
        loc = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]
        where = ".".join(loc).replace("_", " ").capitalize()
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    # A constraint may name the error code of its field (imageplatform.apischema.SettingRange).
    codes = [e["ctx"]["code"] for e in exc.errors if isinstance(e.get("ctx"), dict) and e["ctx"].get("code")]
    code = codes[0] if codes else "invalid_request"
    return error(request, code, "; ".join(parts) or "The request is not valid.", 400)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # ninja wraps whatever the body parser raised in a 400 "Cannot parse request body".
    if isinstance(exc.__cause__, PlatformError):
        return on_platform_error(request, exc.__cause__)
    return error(request, "error", str(exc), exc.status_code)


@api.exception_handler(Exception)
def on_exception(request, exc: Exception):
    """Bodies Django could not parse (4xx), store outages (503), and our bugs (500)."""
    refused = body_error(exc)
    if refused is not None:
        request._mark_post_parse_error()
        return error(request, *refused)
    if outages.outage(exc) is not None:
        outages.log_outage(exc)
        return outages.unavailable_headers(error(request, "store_unavailable", outages.DETAIL, 503))
    log.error("unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return error(request, "server_error", "Something went wrong on our side; the error has been logged.", 500)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, "not_found", "Not found.", 404)


api.add_router("/", "gallery.api.router")
api.add_router("/", "shortlinks.api.router")
api.add_router("/", "moderation.api.router")
