"""What an upload is, from its bytes alone: format sniffing and cheap structural checks.

The format comes from the leading bytes (magic numbers), never from a file name or a
Content-Type. Only formats in the allow-list are opened, and Pillow is then told to try that
format only, so a polyglot cannot be read as something else.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from gallery.exceptions import CorruptImage, UnsupportedFormat


@dataclass(frozen=True)
class Kind:
    format: str  # Pillow's format name, one of Limits.formats
    mime: str
    extension: str


JPEG = Kind("JPEG", "image/jpeg", "jpg")
PNG = Kind("PNG", "image/png", "png")
GIF = Kind("GIF", "image/gif", "gif")
WEBP = Kind("WEBP", "image/webp", "webp")
TIFF = Kind("TIFF", "image/tiff", "tif")
AVIF = Kind("AVIF", "image/avif", "avif")
HEIC = Kind("HEIF", "image/heic", "heic")
HEIF = Kind("HEIF", "image/heif", "heif")

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}

# Recognised but refused: named in the error so the user knows what they sent.
_OTHER = [
    (b"BM", "BMP"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"\x00\x00\x02\x00", "CUR"),
    (b"8BPS", "PSD"),
    (b"%PDF", "PDF"),
    (b"%!PS", "PostScript"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
    (b"qoif", "QOI"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "gzip"),
]


def sniff(data: bytes) -> Kind:
    """The image kind of ``data`` from its magic number, or UnsupportedFormat."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return TIFF
    if head[4:8] == b"ftyp":
        kind = _sniff_isobmff(data)
        if kind:
            return kind
    for magic, name in _OTHER:
        if head.startswith(magic):
            raise UnsupportedFormat(
                f"{name} files are not accepted. Accepted formats: JPEG, PNG, WebP, GIF, "
                "HEIC/HEIF, AVIF, TIFF."
            )
    text = head.lstrip().lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype", b"<html")):
        raise UnsupportedFormat(
            "This is a text document (SVG, XML or HTML), not a picture we accept. "
            "Accepted formats: JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF, TIFF."
        )
    raise UnsupportedFormat()


def _sniff_isobmff(data: bytes) -> Kind | None:
    size = struct.unpack(">I", data[:4])[0]
    if size < 16 or size > min(len(data), 4096):
        return None
    major = data[8:12]
    brands = {major} | {data[i : i + 4] for i in range(16, size - 3, 4)}
    if major in _AVIF_BRANDS:
        return AVIF
    if major in _HEIC_BRANDS:
        return HEIC
    if brands & _AVIF_BRANDS and not brands & _HEIC_BRANDS:
        return AVIF
    if brands & _HEIC_BRANDS:
        return HEIC
    if brands & _HEIF_BRANDS:
        return HEIF
    return None


def count_gif_frames(data: bytes, stop_after: int) -> int:
    """Number of frames in a GIF, counted from its block structure without decoding.

    Stops counting past ``stop_after``. Raises CorruptImage when the structure is broken
    before the first frame.
    """
    frames = 0
    try:
        pos = 13
        flags = data[10]
        if flags & 0x80:
            pos += 3 << ((flags & 7) + 1)
        n = len(data)
        while pos < n and frames <= stop_after:
            block = data[pos]
            if block == 0x3B:  # trailer
                break
            if block == 0x21:  # extension: label, then sub-blocks
                pos = _skip_sub_blocks(data, pos + 2)
            elif block == 0x2C:  # image descriptor
                frames += 1
                flags = data[pos + 9]
                pos += 10
                if flags & 0x80:
                    pos += 3 << ((flags & 7) + 1)
                pos = _skip_sub_blocks(data, pos + 1)  # LZW minimum code size, then data
            else:
                break  # garbage after the frames: Pillow stops there too
        if frames == 0 and pos > n:
            raise IndexError  # the colour table or a block runs past the end
        return frames
    except IndexError:
        if frames:
            return frames
        raise CorruptImage("The GIF file is truncated before its first frame.") from None


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while True:
        length = data[pos]
        pos += 1
        if length == 0:
            return pos
        pos += length
