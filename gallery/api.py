"""/api/v1/images: upload, list, get, change, delete; custom sizes."""

import re
from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError, core_schema

from gallery import services
from gallery.services import uploads
from gallery.services.queries import CURSOR_MAX, SEARCH_MAX, SORTS
from imageplatform.apischema import WITH_BODY, SettingRange, errors
from imageplatform.public import absolute_url

Visibility = Literal[services.VISIBILITIES]
Status_ = Literal[services.STATUSES]
CustomSide = Annotated[int, SettingRange(1, "GALLERY_MAX_CUSTOM_SIDE", code="invalid_rendition_spec")]


def _calendar_day(value):
    """Only YYYY-MM-DD: pydantic alone would also take a number as a Unix time."""
    if not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise PydanticCustomError("not_a_day", "must be a day as YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_calendar_day)]

router = Router(tags=["images"])


class RenditionOut(Schema):
    url: str
    width: int
    height: int
    format: str = Field(description="`jpeg` or `webp`")
    bytes: int


class ImageOut(Schema):
    id: str
    status: Status_
    reason: str | None = Field(
        description="Why the image is rejected, quarantined, failed or still waiting (null when ready)."
    )
    title: str
    caption: str
    alt_text: str
    visibility: Visibility
    width: int | None
    height: int | None
    format: str | None
    bytes: int = Field(description="size of the original in bytes")
    sha256: str | None
    created_at: datetime
    updated_at: datetime
    page_url: str
    original_url: str | None
    renditions: dict[str, RenditionOut]
    short_url: str | None


class ImageListOut(Schema):
    items: list[ImageOut]
    next_cursor: str | None = Field(description="Opaque: pass it as `cursor` for the next page.")
    next: str | None = Field(description="The URL of the next page, or null on the last page.")


class ImagePatch(Schema):
    """Only the fields given change; null or absent leaves a field as it is."""

    title: str | None = Field(None, max_length=services.TITLE_MAX)
    caption: str | None = Field(None, max_length=services.CAPTION_MAX)
    alt_text: str | None = Field(None, max_length=services.ALT_MAX)
    visibility: Visibility | None = None


def _is_int(name: str) -> dict:
    return {"required": [name], "properties": {name: {"type": "integer"}}}


class CustomSizeIn(Schema):
    """A width, a height or both (`fill` needs both), up to GALLERY_MAX_CUSTOM_SIDE."""

    # The rules across fields (custom_spec in the service enforces them), in the document:
    # a width or a height; `fill` needs both.
    model_config = {
        "json_schema_extra": {
            "anyOf": [_is_int("width"), _is_int("height")],
            "if": {"required": ["mode"], "properties": {"mode": {"const": "fill"}}},
            "then": {"allOf": [_is_int("width"), _is_int("height")]},
        }
    }

    width: CustomSide | None = None
    height: CustomSide | None = None
    mode: Literal["fit", "fill"] = "fit"
    format: Literal["jpeg", "webp"] = "jpeg"


def _short_url(request, image: services.Image) -> str | None:
    """The default short link, recorded on the image (no query per image). Named by URL
    name only: the short links app builds on the gallery, not the other way round."""
    if not image.short_code:
        return None
    return absolute_url(request, reverse("shortlinks:redirect", args=[image.short_code]))


def image_out(request, image: services.Image) -> dict:
    return {
        "id": image.id,
        "status": image.status,
        "reason": image.reason,
        "title": image.title,
        "caption": image.caption,
        "alt_text": image.alt_text,
        "visibility": image.visibility,
        "width": image.width,
        "height": image.height,
        "format": image.format,
        "bytes": image.size,
        "sha256": image.sha256,
        "created_at": image.created_at,
        "updated_at": image.updated_at,
        "page_url": absolute_url(request, reverse("gallery:detail", args=[image.id])),
        "original_url": image.original_url,
        "renditions": {
            name: {"url": r.url, "width": r.width, "height": r.height, "format": r.format, "bytes": r.bytes}
            for name, r in image.renditions.items()
        },
        "short_url": _short_url(request, image),
    }


@router.post("/images", response={201: ImageOut, **errors(*WITH_BODY)}, summary="Upload an image")
def upload(
    request,
    file: File[UploadedFile],
    title: Annotated[str, Form(max_length=services.TITLE_MAX)] = "",
    visibility: Form[Visibility] = "private",
):
    """Multipart upload (field `file`). Answers with the image, its renditions and short URL.
    413 when the file is over the upload limit or has too many pixels or frames, 415 when
    it is not an accepted image format."""
    image = services.image_upload(
        owner=str(request.user.pk),
        data=file.read(),
        filename=file.name or "",
        title=title,
        visibility=visibility or "private",
    )
    return Status(201, image_out(request, image))


@router.get(
    "/images",
    response={200: ImageListOut, **errors()},
    summary="List your images: newest first, or sorted, filtered and searched",
)
def list_images(
    request,
    cursor: str | None = Query(
        None,
        max_length=CURSOR_MAX,
        description="Opaque: the `next_cursor` of the previous page, with the same filters and sort.",
    ),
    limit: int = Query(24, ge=1, le=100),
    sort: Literal[SORTS] = Query(
        "newest",
        description="By upload date (`newest`, `oldest`) or by the date the photo was taken "
        "(`taken_newest`, `taken_oldest`: only photos whose details carry that date).",
    ),
    visibility: Visibility | None = Query(None),
    status: Status_ | None = Query(None),
    q: str | None = Query(
        None, max_length=SEARCH_MAX, description="Words in the title, caption or file name (any case)."
    ),
    uploaded_from: Day | None = Query(None, description="First upload day, inclusive (YYYY-MM-DD)."),
    uploaded_to: Day | None = Query(None, description="Last upload day, inclusive (YYYY-MM-DD)."),
):
    filters = {
        "sort": sort,
        "visibility": visibility,
        "status": status,
        "search": q,
        "uploaded_from": uploaded_from,
        "uploaded_to": uploaded_to,
    }
    page = services.image_list(owner=str(request.user.pk), cursor=cursor, limit=limit, **filters)
    next_url = None
    if page.next_cursor:
        query = {"q" if k == "search" else k: v for k, v in filters.items() if v and v != "newest"}
        query.update(cursor=page.next_cursor, limit=limit)
        next_url = absolute_url(request, f"{reverse('api:list_images')}?{urlencode(query)}")
    return {
        "items": [image_out(request, i) for i in page.images],
        "next_cursor": page.next_cursor,
        "next": next_url,
    }


@router.get("/images/{image_id}", response={200: ImageOut, **errors(404)}, summary="Get one of your images")
def get_image(request, image_id: str):
    return image_out(request, services.image_get(image_id=image_id, owner=str(request.user.pk)))


@router.patch(
    "/images/{image_id}",
    response={200: ImageOut, **errors(404, 409, *WITH_BODY)},
    summary="Change title, caption, alt text or visibility",
)
def patch_image(request, image_id: str, payload: ImagePatch):
    image = services.image_update(image_id=image_id, owner=str(request.user.pk), **payload.dict())
    return image_out(request, image)


@router.delete(
    "/images/{image_id}", response={204: None, **errors(404)}, summary="Delete an image and all its files"
)
def delete_image(request, image_id: str):
    services.image_delete(image_id=image_id, owner=str(request.user.pk))
    return Status(204, None)


@router.post(
    "/images/{image_id}/renditions",
    response={201: RenditionOut, **errors(404, 409, *WITH_BODY)},
    summary="Make a custom size (change resolution)",
)
def create_rendition(request, image_id: str, payload: CustomSizeIn):
    """Width and/or height up to GALLERY_MAX_CUSTOM_SIDE, `fit` or `fill`, `jpeg` or `webp`.
    Never upscaled. 409 while the image is not ready or has the most custom sizes allowed."""
    r = services.rendition_create(
        image_id=image_id,
        owner=str(request.user.pk),
        width=payload.width,
        height=payload.height,
        mode=payload.mode,
        fmt=payload.format,
    )
    return Status(
        201, {"url": r.url, "width": r.width, "height": r.height, "format": r.format, "bytes": r.bytes}
    )


# --------------------------------------------------------------------------- direct uploads
class ImageType:
    """``image/<type>``: anything else is a validation error with the code
    ``unsupported_format``; the document shows the pattern."""

    PATTERN = r"^image/[A-Za-z0-9][A-Za-z0-9.+-]{0,62}$"

    def check(self, value: str) -> str:
        if not re.fullmatch(self.PATTERN, value):
            raise PydanticCustomError(
                "not_an_image_type",
                "must be an image type such as image/jpeg",
                {"code": "unsupported_format"},
            )
        return value

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler):
        json_schema = handler(schema)
        json_schema.update(pattern=self.PATTERN)
        return json_schema


class UploadIn(Schema):
    """A file about to be sent straight to the bucket."""

    filename: str = Field(max_length=255)
    size: Annotated[int, SettingRange(1, "GALLERY_MAX_UPLOAD_BYTES", code="file_too_large")] = Field(
        description="bytes, 1 to GALLERY_MAX_UPLOAD_BYTES"
    )
    content_type: Annotated[str, ImageType()] = Field(description="`image/<type>`, such as `image/jpeg`")
    title: str = Field("", max_length=services.TITLE_MAX)
    visibility: Visibility = "private"


class UploadForm(Schema):
    url: str = Field(description="POST the file here as multipart/form-data")
    fields: dict[str, str] = Field(description="Form fields to send first, exactly as given; the file last")


class UploadOut(Schema):
    id: str
    status: Literal["awaiting_upload"]
    upload: UploadForm
    expires_at: datetime


class UploadStatus(Schema):
    id: str
    status: Status_


@router.post(
    "/uploads",
    response={201: UploadOut, **errors(*WITH_BODY)},
    summary="Start a direct upload (up to 50 MB)",
    tags=["uploads"],
)
def upload_start(request, payload: UploadIn):
    """A presigned POST for one file. Send the file to `upload.url` as a plain HTML form
    (`upload.fields`, then the field `file` last) before `expires_at`, then call
    `/uploads/{id}/complete`. The bucket accepts 1 byte to GALLERY_MAX_UPLOAD_BYTES with an
    `image/*` Content-Type; the pipeline checks the real size and bytes again, and
    `GET /images/{id}` shows the status until `ready` (or `rejected`, `quarantined`,
    `failed`, with `reason`)."""
    started = uploads.upload_create(
        owner=str(request.user.pk),
        filename=payload.filename,
        size=payload.size,
        content_type=payload.content_type,
        title=payload.title,
        visibility=payload.visibility,
    )
    return Status(
        201,
        {
            "id": started.image.id,
            "status": started.image.status,
            "upload": {"url": started.url, "fields": started.fields},
            "expires_at": started.expires_at,
        },
    )


@router.post(
    "/uploads/{image_id}/complete",
    response={202: UploadStatus, **errors(404, 409)},
    summary="Say a direct upload is in the bucket",
    tags=["uploads"],
)
def upload_finish(request, image_id: str):
    """The file was sent: processing starts (or has started, from the bucket's event).
    Calling it again is harmless. 409 `upload_missing` when the file is not in the bucket."""
    image = uploads.upload_complete(image_id=image_id, owner=str(request.user.pk))
    return Status(202, {"id": image.id, "status": image.status})
