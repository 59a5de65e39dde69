"""gallery.validation: an upload's format from its magic bytes, and GIF frames counted
from the block structure. Images are built in memory with PIL.Image.new; hostile and
truncated inputs are built by hand. No Django.
"""

import io
import struct

import pytest
from PIL import Image

from gallery.exceptions import CorruptImage, InvalidImage, UnsupportedFormat
from gallery.validation import AVIF, GIF, HEIC, HEIF, JPEG, PNG, TIFF, WEBP, count_gif_frames, sniff


def encode(fmt: str, size=(4, 4), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (200, 80, 40)).save(buf, fmt)
    return buf.getvalue()


def ftyp(major: bytes, *compatible: bytes, size: int | None = None, tail: bytes = b"\x00" * 32) -> bytes:
    """An ISO BMFF ``ftyp`` box (HEIF, AVIF, MP4 start with one), followed by ``tail``."""
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", size if size is not None else 8 + len(body)) + b"ftyp" + body + tail


def animated_gif(colors) -> bytes:
    frames = [Image.new("RGB", (4, 4), c) for c in colors]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    return buf.getvalue()


THREE_FRAMES = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]


def handmade_gif(frames: int, *, trailer=True) -> bytes:
    """A 1x1 GIF without a colour table and ``frames`` empty image descriptors."""
    header = b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x00\x00\x00"
    frame = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00" + b"\x02" + b"\x00"
    return header + frame * frames + (b"\x3b" if trailer else b"")


# --- Sniffing the formats we accept -------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [("JPEG", JPEG), ("PNG", PNG), ("GIF", GIF), ("WEBP", WEBP), ("TIFF", TIFF), ("AVIF", AVIF)],
)
def test_sniff_recognises_an_image_pillow_wrote(fmt, kind):
    assert sniff(encode(fmt)) == kind


def test_sniff_recognises_big_endian_tiff():
    assert sniff(b"MM\x00*" + b"\x00" * 60) == TIFF


def test_sniff_recognises_bigtiff():
    assert sniff(b"II+\x00" + b"\x00" * 60) == TIFF


def test_sniff_recognises_gif87a_and_gif89a():
    assert sniff(b"GIF87a" + b"\x00" * 20) == GIF
    assert sniff(b"GIF89a" + b"\x00" * 20) == GIF


def test_sniff_recognises_an_iphone_heic():
    assert sniff(ftyp(b"heic", b"mif1", b"heic", b"miaf")) == HEIC


@pytest.mark.parametrize("brand", [b"heix", b"hevc", b"heim", b"heis", b"hevx"])
def test_sniff_takes_any_hevc_brand_as_heic(brand):
    assert sniff(ftyp(brand, b"mif1")) == HEIC


def test_sniff_takes_a_generic_heif_without_hevc_brand_as_heif():
    assert sniff(ftyp(b"mif1", b"mif1", b"miaf")) == HEIF


def test_sniff_takes_avif_brand_among_compatible_brands_as_avif():
    assert sniff(ftyp(b"mif1", b"mif1", b"avif")) == AVIF


def test_sniff_prefers_the_major_brand_over_compatible_ones():
    assert sniff(ftyp(b"avif", b"heic")) == AVIF
    assert sniff(ftyp(b"heic", b"avif")) == HEIC


def test_sniff_takes_heic_when_compatible_brands_name_both_heic_and_avif():
    assert sniff(ftyp(b"mif1", b"avif", b"heic")) == HEIC


def test_kinds_give_pillow_format_mime_and_extension():
    assert (JPEG.format, JPEG.mime, JPEG.extension) == ("JPEG", "image/jpeg", "jpg")
    assert (HEIC.format, HEIC.mime, HEIC.extension) == ("HEIF", "image/heic", "heic")
    assert (HEIF.format, HEIF.mime, HEIF.extension) == ("HEIF", "image/heif", "heif")
    assert (AVIF.mime, TIFF.extension, WEBP.mime) == ("image/avif", "tif", "image/webp")


def test_kind_formats_are_pillow_plugin_names():
    """renditions.py opens with Image.open(formats=[kind.format]); HEIF comes from pillow_heif."""
    Image.init()

    for kind in (JPEG, PNG, GIF, WEBP, TIFF, AVIF):
        assert kind.format in Image.OPEN


def test_sniff_judges_the_leading_bytes_not_what_follows():
    """A polyglot is what its first bytes say, and is then opened as that format only."""
    assert sniff(encode("JPEG") + b"<svg onload=alert(1)>") == JPEG
    assert sniff(b"GIF89a/*<script>alert(1)</script>*/") == GIF


# --- Refused formats, named -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("BMP", "BMP"), ("ICO", "ICO"), ("PDF", "PDF"), ("QOI", "QOI"), ("JPEG2000", "JPEG 2000")],
)
def test_sniff_refuses_a_known_format_by_name(fmt, name):
    with pytest.raises(UnsupportedFormat, match=f"^{name} files are not accepted"):
        sniff(encode(fmt))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"8BPS\x00\x01" + b"\x00" * 30, "PSD"),
        (b"%!PS-Adobe-3.0\n", "PostScript"),
        (b"\xff\x4f\xff\x51\x00\x2f", "JPEG 2000"),
        (b"\xff\x0a\xfa\x7f", "JPEG XL"),
        (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JPEG XL"),
        (b"\x00\x00\x02\x00\x01\x00", "CUR"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b"\x1f\x8b\x08\x00", "gzip"),
    ],
)
def test_sniff_refuses_a_known_signature_by_name(data, name):
    with pytest.raises(UnsupportedFormat, match=f"^{name} files are not accepted"):
        sniff(data)


def test_refusal_lists_the_accepted_formats():
    with pytest.raises(
        UnsupportedFormat, match="Accepted formats: JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF, TIFF"
    ):
        sniff(encode("BMP"))


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b'<?xml version="1.0"?><svg/>',
        b"<!DOCTYPE html><html></html>",
        b"<html><body>",
        b"  \n\t<SVG>",
    ],
)
def test_sniff_refuses_svg_xml_and_html_as_text_documents(data):
    with pytest.raises(UnsupportedFormat, match="text document"):
        sniff(data)


@pytest.mark.parametrize(
    "data",
    [
        b"just some text",
        b"\x00" * 64,
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # RIFF, but audio
        ftyp(b"isom", b"isom", b"mp42"),  # an MP4 video
        ftyp(b"qt  "),  # a QuickTime movie
    ],
)
def test_sniff_refuses_unknown_data_with_the_generic_message(data):
    with pytest.raises(UnsupportedFormat) as info:
        sniff(data)

    assert str(info.value) == UnsupportedFormat.default_detail


def test_unsupported_format_is_an_invalid_image_answered_with_415():
    with pytest.raises(InvalidImage) as info:
        sniff(b"BM" + b"\x00" * 20)

    assert info.value.status == 415
    assert info.value.code == "unsupported_format"


# --- Empty, truncated and hostile headers --------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff",
        b"\xff\xd8",
        b"\x89PNG\r\n",
        b"GIF8",
        b"GIF89",
        b"RIFF\x00\x00\x00\x00WEB",
        b"II*",
        b"\x00\x00\x00",
    ],
)
def test_sniff_refuses_empty_or_truncated_magic_numbers(data):
    with pytest.raises(UnsupportedFormat):
        sniff(data)


def test_sniff_needs_only_the_magic_number_of_an_accepted_format():
    """Structure is checked when the image is opened; sniffing reads the first bytes only."""
    assert sniff(b"\xff\xd8\xff") == JPEG
    assert sniff(b"\x89PNG\r\n\x1a\n") == PNG


@pytest.mark.parametrize(
    "data",
    [
        ftyp(b"heic", size=0),  # "to the end of the file" is not a valid ftyp box
        ftyp(b"heic", size=12),  # shorter than a box with major brand and version
        ftyp(b"heic", size=0xFFFFFFFF),  # longer than the data
        ftyp(b"heic", size=5000, tail=b"\x00" * 5000),  # past the 4 KiB we read brands from
        ftyp(b"heic", tail=b"")[:10],  # cut inside the major brand
        b"\x00\x00\x00\x18ftyp",  # the box header only
    ],
)
def test_sniff_refuses_an_ftyp_box_with_a_hostile_size(data):
    with pytest.raises(UnsupportedFormat):
        sniff(data)


def test_sniff_does_not_find_brands_outside_the_ftyp_box():
    box = ftyp(b"isom", b"mp42", tail=b"heic" * 8)

    with pytest.raises(UnsupportedFormat):
        sniff(box)


def test_sniff_reads_brands_up_to_the_end_of_a_long_ftyp_box():
    box = ftyp(b"isom", *([b"mp42"] * 100), b"heic")

    assert sniff(box) == HEIC


# --- GIF frames -----------------------------------------------------------------------------


def test_count_gif_frames_of_a_still_gif_is_one():
    assert count_gif_frames(encode("GIF"), stop_after=10) == 1


def test_count_gif_frames_counts_an_animation_pillow_wrote():
    data = animated_gif(THREE_FRAMES)

    assert count_gif_frames(data, stop_after=10) == 3
    with Image.open(io.BytesIO(data)) as im:
        assert im.n_frames == 3


def test_count_gif_frames_stops_just_past_the_limit():
    assert count_gif_frames(animated_gif(THREE_FRAMES), stop_after=1) == 2
    assert count_gif_frames(handmade_gif(10_000), stop_after=5) == 6


def test_count_gif_frames_exactly_at_the_limit_is_not_over_it():
    assert count_gif_frames(handmade_gif(5), stop_after=5) == 5


def test_count_gif_frames_skips_local_colour_tables_and_extensions():
    """Pillow writes a local colour table for frames whose palette differs."""
    data = animated_gif([(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255)])

    assert count_gif_frames(data, stop_after=100) == 5


def test_count_gif_frames_without_frames_is_zero():
    assert count_gif_frames(handmade_gif(0), stop_after=10) == 0


def test_count_gif_frames_ignores_garbage_after_the_frames():
    data = handmade_gif(2, trailer=False) + b"garbage" * 10

    assert count_gif_frames(data, stop_after=10) == 2


def test_count_gif_frames_of_a_gif_cut_after_some_frames_counts_those():
    data = animated_gif(THREE_FRAMES)
    third_frame_control = data.rindex(b"\x21\xf9")

    assert count_gif_frames(data[: third_frame_control + 3], stop_after=10) == 2


def test_count_gif_frames_counts_a_frame_once_its_descriptor_is_read():
    """Over-counting a cut frame is the safe side of a frame limit."""
    data = animated_gif(THREE_FRAMES)

    assert count_gif_frames(data[:-5], stop_after=10) == 3


def test_count_gif_frames_of_a_gif_cut_inside_an_extension_before_any_frame_raises_corrupt_image():
    data = animated_gif(THREE_FRAMES)
    loop_extension = data.index(b"NETSCAPE2.0")

    with pytest.raises(CorruptImage, match="truncated before its first frame"):
        count_gif_frames(data[: loop_extension + 4], stop_after=10)


@pytest.mark.parametrize("length", [0, 6, 10])
def test_count_gif_frames_of_a_gif_cut_inside_its_header_raises_corrupt_image(length):
    with pytest.raises(CorruptImage):
        count_gif_frames(animated_gif(THREE_FRAMES)[:length], stop_after=10)


@pytest.mark.parametrize("length", [11, 13, 16])
def test_count_gif_frames_of_a_gif_cut_inside_its_colour_table_raises_corrupt_image(length):
    data = animated_gif(THREE_FRAMES)
    assert data[10] & 0x80  # it has a global colour table, past byte 13

    with pytest.raises(CorruptImage):
        count_gif_frames(data[:length], stop_after=10)


def test_count_gif_frames_with_a_sub_block_length_past_the_end_keeps_the_frames_seen():
    data = handmade_gif(1, trailer=False) + b"\x2c" + b"\x00" * 8 + b"\x00" + b"\x02" + b"\xff" + b"abc"

    assert count_gif_frames(data, stop_after=10) == 2
