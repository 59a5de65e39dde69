"""What people type about an image, checked at the service boundary (imageplatform.text)."""

from gallery.exceptions import GalleryError, InvalidText
from gallery.services.records import VISIBILITIES
from imageplatform import text

TITLE_MAX, CAPTION_MAX, ALT_MAX, FILENAME_MAX = 200, 2000, 500, 200


def _clean(value, *, limit: int, label: str, multiline: bool = False) -> str | None:
    """None stays None (no change asked for); anything else is cleaned or refused."""
    if value is None:
        return None
    try:
        return text.clean_text(value, limit=limit, label=label, multiline=multiline)
    except text.InvalidText as exc:
        raise InvalidText(str(exc)) from None


def clean_title(value) -> str | None:
    return _clean(value, limit=TITLE_MAX, label="Title")


def clean_caption(value) -> str | None:
    return _clean(value, limit=CAPTION_MAX, label="Caption", multiline=True)


def clean_alt_text(value) -> str | None:
    return _clean(value, limit=ALT_MAX, label="Alt text")


def clean_filename(value) -> str:
    return text.clean_filename(value, limit=FILENAME_MAX)


def clean_visibility(value) -> str | None:
    if value is None or value == "":
        return None
    if value not in VISIBILITIES:
        raise GalleryError(f"Visibility must be one of: {', '.join(VISIBILITIES)}.")
    return value
