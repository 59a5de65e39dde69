"""/api/v1/images/{image_id}/links: list, create and revoke an image's short links."""

from datetime import datetime, timedelta
from typing import Annotated, Literal

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import model_validator
from pydantic_core import PydanticCustomError

from imageplatform.apischema import WITH_BODY, SettingRange, errors
from imageplatform.public import absolute_url
from shortlinks import qr, services
from shortlinks.exceptions import ShortLinkNotFound

# No control characters (C0, DEL, C1) and no bidirectional overrides or isolates.
TYPEABLE = "^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$"
ExpiresIn = Annotated[
    int, SettingRange(1, "SHORTLINKS_MAX_EXPIRY_DAYS", per=86400, code="invalid_link_option")
]

router = Router(tags=["short links"])


class LinkOut(Schema):
    code: str
    short_url: str
    target: str = Field(description='"page" (the share page) or a rendition name')
    created_at: datetime
    expires_at: datetime | None
    max_visits: int | None
    visits: int
    last_visit_at: datetime | None
    revoked: bool
    has_password: bool
    state: Literal["active", "suspended", "revoked", "expired", "used up"] = Field(
        description="suspended: the image is not shared now (private, hidden or not ready)"
    )
    qr_url: str


class LinkIn(Schema):
    """Every option is optional. `expires_at` and `expires_in_seconds` exclude each other."""

    model_config = {
        "json_schema_extra": {
            "not": {
                "required": ["expires_at", "expires_in_seconds"],
                "properties": {"expires_at": {"type": "string"}, "expires_in_seconds": {"type": "integer"}},
            }
        }
    }

    target: str = Field("page", description='"page" (the share page) or one of the image\'s rendition names')
    expires_at: datetime | None = Field(
        None, description="ISO 8601 with a time zone, in the future. Not with `expires_in_seconds`."
    )
    expires_in_seconds: ExpiresIn | None = Field(None, description="Not with `expires_at`.")
    max_visits: int | None = Field(None, ge=1, le=services.MAX_VISITS_LIMIT)
    password: str | None = Field(
        None,
        max_length=services.PASSWORD_MAX,
        pattern=TYPEABLE,
        description="Text that can be typed again: no control or bidirectional formatting characters.",
    )

    @model_validator(mode="after")
    def _one_expiry(self):
        if self.expires_at is not None and self.expires_in_seconds is not None:
            raise PydanticCustomError(
                "exclusive_options",
                "Give expires_at or expires_in_seconds, not both.",
                {"code": "invalid_link_option"},
            )
        return self


def link_out(request, link: services.ShortLink) -> dict:
    return {
        "code": link.code,
        "short_url": absolute_url(request, link.path),
        "target": link.target,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "max_visits": link.max_visits,
        "visits": link.visits,
        "last_visit_at": link.last_visit_at,
        "revoked": link.revoked,
        "has_password": link.has_password,
        "state": link.state,
        "qr_url": absolute_url(request, reverse("api:link_qr", args=[link.image_id, link.code])),
    }


@router.get(
    "/images/{image_id}/links", response={200: list[LinkOut], **errors(404)}, summary="List an image's links"
)
def list_links(request, image_id: str):
    links = services.shortlink_list_for_owner(image_id=image_id, owner=str(request.user.pk))
    return [link_out(request, link) for link in links]


@router.post(
    "/images/{image_id}/links",
    response={201: LinkOut, **errors(404, *WITH_BODY)},
    summary="Create a short link",
)
def create_link(request, image_id: str, payload: LinkIn):
    """Options: `target` ("page" or a rendition name such as "large"), an expiry
    (`expires_at`, or `expires_in_seconds`), `max_visits`, `password`."""
    expires_at = payload.expires_at
    if payload.expires_in_seconds is not None:
        expires_at = timezone.now() + timedelta(seconds=payload.expires_in_seconds)
    link = services.shortlink_create(
        image_id=image_id,
        owner=str(request.user.pk),
        target=payload.target,
        expires_at=expires_at,
        max_visits=payload.max_visits,
        password=payload.password,
    )
    return Status(201, link_out(request, link))


@router.delete(
    "/images/{image_id}/links/{code}", response={204: None, **errors(404)}, summary="Revoke a link"
)
def revoke_link(request, image_id: str, code: str):
    services.shortlink_revoke(code=code, owner=str(request.user.pk), image_id=image_id)
    return Status(204, None)


@router.get(
    "/images/{image_id}/links/{code}/qr.svg",
    response={200: None, **errors(404)},
    openapi_extra={
        "responses": {
            200: {
                "description": "The QR code",
                "content": {"image/svg+xml": {"schema": {"type": "string"}}},
            }
        }
    },
    url_name="link_qr",
    summary="QR code of a link (SVG)",
)
def link_qr(request, image_id: str, code: str):
    link = services.shortlink_get(code=code, owner=str(request.user.pk))
    if link.image_id != image_id:
        raise ShortLinkNotFound
    response = HttpResponse(qr.svg(absolute_url(request, link.path)), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
