"""/api/v1/images/{image_id}/links: list, create and revoke an image's short links."""

from datetime import datetime, timedelta

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from imageplatform.public import absolute_url
from shortlinks import qr, services
from shortlinks.exceptions import InvalidLinkOption, ShortLinkNotFound

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
    state: str = Field(description='"active", "revoked", "expired" or "used up"')
    qr_url: str


class LinkIn(Schema):
    target: str = "page"
    expires_at: datetime | None = Field(None, description="ISO 8601 with a time zone")
    expires_in_seconds: int | None = Field(None, ge=1)
    max_visits: int | None = None
    password: str | None = None


class ErrorOut(Schema):
    error: str
    detail: str


ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 503: ErrorOut}


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
    "/images/{image_id}/links", response={200: list[LinkOut], **ERRORS}, summary="List an image's links"
)
def list_links(request, image_id: str):
    links = services.shortlink_list_for_owner(image_id=image_id, owner=str(request.user.pk))
    return [link_out(request, link) for link in links]


@router.post("/images/{image_id}/links", response={201: LinkOut, **ERRORS}, summary="Create a short link")
def create_link(request, image_id: str, payload: LinkIn):
    """Options: `target` ("page" or a rendition name such as "large"), an expiry
    (`expires_at`, or `expires_in_seconds`), `max_visits`, `password`."""
    if payload.expires_at is not None and payload.expires_in_seconds is not None:
        raise InvalidLinkOption("Give expires_at or expires_in_seconds, not both.")
    expires_at = payload.expires_at
    if payload.expires_in_seconds is not None:
        if payload.expires_in_seconds > 3650 * 86400:
            raise InvalidLinkOption("The expiry time is too far in the future.")
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


@router.delete("/images/{image_id}/links/{code}", response={204: None, **ERRORS}, summary="Revoke a link")
def revoke_link(request, image_id: str, code: str):
    services.shortlink_revoke(code=code, owner=str(request.user.pk), image_id=image_id)
    return Status(204, None)


@router.get(
    "/images/{image_id}/links/{code}/qr.svg",
    response={200: None, **ERRORS},
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
