"""Pixels: mode, colour, orientation and encoding of decoded frames. Pillow only.

The steps of gallery.renditions that work on one decoded image: normalise its mode, bring
its colour to sRGB, apply the EXIF orientation, flatten alpha for JPEG, and encode.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageCms

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


# --------------------------------------------------------------------------- colour


def normalise_mode(im: Image.Image) -> Image.Image:
    """The decoded frame in one of L, LA, RGB, RGBA or CMYK (CMYK is converted after resizing)."""
    mode = im.mode
    if mode in ("L", "RGB", "CMYK") and "transparency" not in im.info:
        return im
    if mode in ("LA", "RGBA"):
        if im.getextrema()[-1][0] == 255:  # alpha channel present but fully opaque
            return im.convert(mode[:-1])
        return im
    if mode == "1":
        return im.convert("L")
    if mode in ("P", "PA"):
        return im.convert("RGBA" if mode == "PA" or "transparency" in im.info else "RGB")
    if mode == "L":
        return im.convert("LA")
    if mode == "RGB":
        return im.convert("RGBA")
    if mode.startswith("I") or mode == "F":
        return _to_8bit(im)
    if mode == "RGBa":
        return im.convert("RGBA")
    if mode == "La":
        return im.convert("LA")
    if mode == "LAB":
        return ImageCms.applyTransform(im, _lab_transform())
    return im.convert("RGB")  # RGBX, YCbCr, HSV


def _to_8bit(im: Image.Image) -> Image.Image:
    """16-bit, 32-bit integer and float greyscale to 8-bit L, keeping the full range."""
    if im.mode not in ("I", "F"):
        im = im.convert("I")
    low, high = im.getextrema()
    if im.mode == "F" and high <= 1.0:
        scale = 255.0
    elif high > 255:
        scale = 255.0 / 65535 if high <= 65535 else 255.0 / high
    else:
        scale = 1.0
    if scale != 1.0:
        im = im.point(lambda v: v * scale)
    return im.convert("L")


_SRGB_NAMES = ("srgb",)


@lru_cache(maxsize=32)
def _srgb_transform_cached(icc: bytes, mode: str):
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except Exception:
        return None  # an unreadable profile is ignored, as browsers do
    space = profile.profile.xcolor_space.strip()
    expected = {"RGB": "RGB", "RGBA": "RGB", "CMYK": "CMYK"}.get(mode)
    if space != expected:
        return None
    description = (profile.profile.profile_description or "").strip().lower()
    if space == "RGB" and description.startswith(_SRGB_NAMES) and "scrgb" not in description:
        return None  # already sRGB
    out_mode = "RGBA" if mode == "RGBA" else "RGB"
    try:
        return ImageCms.buildTransform(
            profile,
            _srgb_profile(),
            mode,
            out_mode,
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
        )
    except Exception:
        return None


def srgb_transform(icc: bytes | None, mode: str):
    if not icc or mode not in ("RGB", "RGBA", "CMYK"):
        return None
    return _srgb_transform_cached(icc, mode)


@lru_cache(maxsize=1)
def _srgb_profile():
    return ImageCms.createProfile("sRGB")


@lru_cache(maxsize=1)
def _lab_transform():
    return ImageCms.buildTransform(ImageCms.createProfile("LAB"), _srgb_profile(), "LAB", "RGB")


def to_srgb(im: Image.Image, transform) -> Image.Image:
    if transform is not None:
        im = ImageCms.applyTransform(im, transform)
    elif im.mode == "CMYK":  # no profile: the usual naive conversion
        im = im.convert("RGB")
    return im


def orient(im: Image.Image, orientation: int) -> Image.Image:
    if orientation in _TRANSPOSE:
        im = im.transpose(_TRANSPOSE[orientation])
    im.info = {}  # nothing from the original (EXIF, XMP, ICC...) may reach an output
    return im


# --------------------------------------------------------------------------- encoding


def encode(image: Image.Image, fmt: str, quality: int | None) -> bytes:
    """Encode one rendition, with no metadata at all. Runs in the thread pool."""
    im = image._new(image.im)  # own Image object: save() sets attributes on it
    im.info = {}
    if fmt == "jpeg" and im.mode in ("RGBA", "LA"):
        im = _flatten(im)
    elif fmt == "avif" and im.mode in ("L", "LA"):
        im = im.convert("RGBA" if im.mode == "LA" else "RGB")
    out = io.BytesIO()
    if fmt == "jpeg":
        im.save(out, "JPEG", quality=quality, progressive=True, optimize=True, subsampling="4:2:0")
    elif fmt == "webp":
        im.save(out, "WEBP", quality=quality, method=4)
    elif fmt == "png":
        im.save(out, "PNG", compress_level=6)
    else:
        im.save(out, "AVIF", quality=quality)
    return out.getvalue()


def _flatten(im: Image.Image) -> Image.Image:
    """Alpha onto white, for JPEG."""
    background = Image.new(im.mode[:-1], im.size, 255 if im.mode == "LA" else (255, 255, 255))
    background.paste(im, mask=im.getchannel("A"))
    return background
