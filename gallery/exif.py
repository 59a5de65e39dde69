"""Photo details from the original's EXIF, read before the renditions strip it.

Pillow only, no Django. What is kept is what a photographer wants to see on the detail
page: camera, lens, exposure, aperture, focal length, ISO and the date taken. Never the
location (the GPS directory is not read at all), and nothing from maker notes.

EXIF is whatever the file says, so every value is checked: text is made printable and
short, numbers must be finite and in a plausible range, and any error in reading (a
truncated directory, offsets pointing anywhere, wrong types) gives no details rather than
a failed upload.
"""

import io
import logging
import math
from datetime import datetime

from PIL import ExifTags, Image

log = logging.getLogger(__name__)

TEXT_MAX = 64

_BASE = {"make": ExifTags.Base.Make, "model": ExifTags.Base.Model}
_EXIF = {
    "lens_make": ExifTags.Base.LensMake,
    "lens_model": ExifTags.Base.LensModel,
    "exposure_time": ExifTags.Base.ExposureTime,
    "f_number": ExifTags.Base.FNumber,
    "focal_length": ExifTags.Base.FocalLength,
    "focal_length_35mm": ExifTags.Base.FocalLengthIn35mmFilm,
    "iso": ExifTags.Base.ISOSpeedRatings,
    "taken": ExifTags.Base.DateTimeOriginal,
}


def photo_details(data: bytes) -> dict[str, str]:
    """Display-ready details (``camera``, ``lens``, ``exposure``, ``aperture``,
    ``focal_length``, ``iso``, ``taken_at``), only those present and sane; {} otherwise."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            base = {name: exif.get(tag) for name, tag in _BASE.items()}
            sub = exif.get_ifd(ExifTags.IFD.Exif)
            raw = {name: sub.get(tag) for name, tag in _EXIF.items()}
        return _details(base, raw)
    except Exception as exc:  # hostile or broken EXIF: no details, never a failed upload
        log.info("unreadable EXIF", extra={"error": type(exc).__name__})
        return {}


def _details(base: dict, raw: dict) -> dict[str, str]:
    out = {}
    make, model = _text(base.get("make")), _text(base.get("model"))
    if model and make and model.lower().startswith(make.lower()):
        make = ""  # "Canon" + "Canon EOS R5" reads as "Canon EOS R5"
    camera = " ".join(p for p in (make, model) if p)
    if camera:
        out["camera"] = camera
    lens_make, lens_model = _text(raw.get("lens_make")), _text(raw.get("lens_model"))
    if lens_model and lens_make and lens_model.lower().startswith(lens_make.lower()):
        lens_make = ""
    lens = " ".join(p for p in (lens_make, lens_model) if p)
    if lens:
        out["lens"] = lens
    exposure = _number(raw.get("exposure_time"), 1e-6, 3600)
    if exposure:
        out["exposure"] = f"1/{round(1 / exposure)} s" if exposure < 0.5 else f"{exposure:g} s"
    f_number = _number(raw.get("f_number"), 0.5, 128)
    if f_number:
        out["aperture"] = f"f/{f_number:.1f}".replace(".0", "")
    focal = _number(raw.get("focal_length"), 0.5, 5000)
    if focal:
        equivalent = _number(raw.get("focal_length_35mm"), 1, 5000)
        out["focal_length"] = f"{focal:g} mm" + (f" ({equivalent:g} mm in 35 mm terms)" if equivalent else "")
    iso = raw.get("iso")
    if isinstance(iso, tuple) and iso:
        iso = iso[0]
    iso = _number(iso, 1, 10_000_000)
    if iso:
        out["iso"] = str(int(iso))
    taken = _date(raw.get("taken"))
    if taken:
        out["taken_at"] = taken
    return out


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    cleaned = "".join(c for c in value if c.isprintable()).strip()
    return " ".join(cleaned.split())[:TEXT_MAX]


def _number(value, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if not math.isfinite(number) or not low <= number <= high:
        return None
    return number


def _date(value) -> str | None:
    """EXIF's "YYYY:MM:DD HH:MM:SS" as ISO 8601 (no zone: cameras record local time)."""
    text = _text(value)
    try:
        taken = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return taken.isoformat() if 1900 <= taken.year <= 2200 else None
