"""The JSON API (/api/v1/), with its OpenAPI document at /api/v1/openapi.json.

Errors are always JSON ``{"error": code, "detail": text}`` with a 4xx status.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from accounts.services import token_authenticate
from imageplatform.errors import PlatformError


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
        where = ".".join(
            str(p) for p in err.get("loc", []) if p not in ("body", "query", "form", "file", "path")
        )
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return error(request, "invalid_request", "; ".join(parts) or "The request is not valid.", 400)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error(request, "error", str(exc), exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, "not_found", "Not found.", 404)


api.add_router("/", "gallery.api.router")
api.add_router("/", "shortlinks.api.router")
