""" "Change resolution": stored renditions of a custom size, made and removed by the owner."""

from django.conf import settings

from gallery import renditions, storage
from gallery.exceptions import ImageNotReady, InvalidRenditionSpec, RenditionNotFound, TooManyRenditions
from gallery.models import ImageItem
from gallery.services.pipeline import extension, limits, rendition_record
from gallery.services.records import (
    CUSTOM_PREFIX,
    RenditionFile,
    change_image,
    is_custom,
    rendition_name,
    renditions_of,
    to_image,
)


def custom_spec(*, width: int | None, height: int | None, mode: str, fmt: str) -> tuple[str, str]:
    """(rendition name, spec) of a custom size; InvalidRenditionSpec says what is wrong."""
    max_side = settings.GALLERY_MAX_CUSTOM_SIDE
    if mode not in ("fit", "fill"):
        raise InvalidRenditionSpec("Mode must be 'fit' or 'fill'.")
    if fmt not in settings.GALLERY_RENDITION_FORMATS:
        raise InvalidRenditionSpec(f"Format must be one of: {', '.join(settings.GALLERY_RENDITION_FORMATS)}.")
    for label, value in (("Width", width), ("Height", height)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= max_side
        ):
            raise InvalidRenditionSpec(f"{label} must be a whole number from 1 to {max_side}.")
    if width is None and height is None:
        raise InvalidRenditionSpec("Give a width, a height, or both.")
    if mode == "fill":
        if width is None or height is None:
            raise InvalidRenditionSpec("'fill' needs both a width and a height.")
        geometry = f"fill-{width}x{height}"
    elif width and height:
        geometry = f"max-{width}x{height}"
    elif width:
        geometry = f"width-{width}"
    else:
        geometry = f"height-{height}"
    spec = f"{geometry}|{settings.GALLERY_RENDITION_FORMATS[fmt]}"
    name = rendition_name(f"{CUSTOM_PREFIX}{width or 'auto'}x{height or 'auto'}-{mode}", fmt)
    return name, spec


def rendition_create(
    *,
    image_id: str,
    owner: str,
    width: int | None = None,
    height: int | None = None,
    mode: str = "fit",
    fmt: str = "jpeg",
) -> RenditionFile:
    """A stored rendition of a custom size (never upscaled); the same size twice is one file."""
    name, spec = custom_spec(width=width, height=height, mode=mode, fmt=fmt)

    def apply(item: ImageItem) -> None:
        if item.status != "ready":
            raise ImageNotReady
        existing = renditions_of(item)
        if name in existing:
            return
        if sum(1 for n in existing if is_custom(n)) >= settings.GALLERY_MAX_CUSTOM_RENDITIONS:
            raise TooManyRenditions(
                f"An image can have at most {settings.GALLERY_MAX_CUSTOM_RENDITIONS} custom sizes; delete one first."
            )
        _, outputs = renditions.render(storage.read(item.original_key), {name: spec}, limits())
        out = outputs[name]
        key = storage.rendition_key(item.id, name, spec, extension(out.format))
        storage.put(key, out.data, out.mime)
        existing[name] = rendition_record(key, out, spec)
        item.renditions = existing

    item, _ = change_image(image_id, apply, owner=owner)
    return to_image(item).renditions[name]


def rendition_delete(*, image_id: str, owner: str, name: str) -> None:
    """Remove one custom size (the named sizes belong to the pipeline)."""

    def apply(item: ImageItem) -> str:
        existing = renditions_of(item)
        if name not in existing or not is_custom(name):
            raise RenditionNotFound
        key = existing.pop(name)["key"]
        item.renditions = existing
        return key

    _, key = change_image(image_id, apply, owner=owner)
    storage.delete_keys([key])
