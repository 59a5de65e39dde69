"""/api/v1/images: upload, list, get, change, delete; custom sizes."""

from datetime import datetime

from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gallery import services
from gallery.exceptions import GalleryError
from imageplatform.public import absolute_url

router = Router(tags=["images"])


class RenditionOut(Schema):
    url: str
    width: int
    height: int
    format: str
    bytes: int


class ImageOut(Schema):
    id: str
    status: str
    title: str
    caption: str
    alt_text: str
    visibility: str
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
    next_cursor: str | None
    next: str | None


class ImagePatch(Schema):
    title: str | None = None
    caption: str | None = None
    alt_text: str | None = None
    visibility: str | None = None


class CustomSizeIn(Schema):
    width: int | None = None
    height: int | None = None
    mode: str = "fit"
    format: str = "jpeg"


class ErrorOut(Schema):
    error: str
    detail: str


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


ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 415: ErrorOut}


@router.post("/images", response={201: ImageOut, **ERRORS}, summary="Upload an image")
def upload(
    request,
    file: File[UploadedFile] = None,
    title: Form[str] = "",
    visibility: Form[str] = "private",
):
    """Multipart upload (field `file`). Answers with the image, its renditions and short URL."""
    if file is None:
        raise GalleryError("Send the image in a multipart field named 'file'.") from None
    image = services.image_upload(
        owner=str(request.user.pk),
        data=file.read(),
        filename=file.name or "",
        title=title,
        visibility=visibility or "private",
    )
    return Status(201, image_out(request, image))


@router.get("/images", response={200: ImageListOut, **ERRORS}, summary="List your images, newest first")
def list_images(request, cursor: str | None = None, limit: int = 24):
    page = services.image_list(owner=str(request.user.pk), cursor=cursor, limit=limit)
    next_url = None
    if page.next_cursor:
        next_url = absolute_url(request, f"{reverse('api:list_images')}?cursor={page.next_cursor}&limit={limit}")
    return {
        "items": [image_out(request, i) for i in page.images],
        "next_cursor": page.next_cursor,
        "next": next_url,
    }


@router.get("/images/{image_id}", response={200: ImageOut, **ERRORS}, summary="Get one of your images")
def get_image(request, image_id: str):
    return image_out(request, services.image_get(image_id=image_id, owner=str(request.user.pk)))


@router.patch(
    "/images/{image_id}",
    response={200: ImageOut, **ERRORS},
    summary="Change title, caption, alt text or visibility",
)
def patch_image(request, image_id: str, payload: ImagePatch):
    image = services.image_update(image_id=image_id, owner=str(request.user.pk), **payload.dict())
    return image_out(request, image)


@router.delete(
    "/images/{image_id}", response={204: None, **ERRORS}, summary="Delete an image and all its files"
)
def delete_image(request, image_id: str):
    services.image_delete(image_id=image_id, owner=str(request.user.pk))
    return Status(204, None)


@router.post(
    "/images/{image_id}/renditions",
    response={201: RenditionOut, **ERRORS},
    summary="Make a custom size (change resolution)",
)
def create_rendition(request, image_id: str, payload: CustomSizeIn):
    """Width and/or height up to GALLERY_MAX_CUSTOM_SIDE, `fit` or `fill`, `jpeg` or `webp`. Never upscaled."""
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
