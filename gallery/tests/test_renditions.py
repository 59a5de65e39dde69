"""gallery.renditions: what a user would check on the renditions of their upload.

Real photos come from gallery/tests/photos (see scripts/make_test_photos.py); hostile inputs
are built in memory here. No Django: run with ``pytest -p no:django``.
"""

import io
import json
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, JpegImagePlugin

from gallery.exceptions import (
    CorruptImage,
    EmptyFile,
    FileTooLarge,
    GalleryError,
    InvalidRenditionSpec,
    TooManyFrames,
    TooManyPixels,
    UnsupportedFormat,
)
from gallery.renditions import Limits, parse_spec, probe, render

PHOTOS = Path(__file__).parent / "photos"
EXPECTED = json.loads((PHOTOS / "expected.json").read_text())
DEFAULT_SPECS = {
    f"{name}_{fmt}": f"max-{size}x{size}|format-{fmt}|quality-{q}"
    for name, size in (("thumb", 320), ("medium", 1024), ("large", 2048))
    for fmt, q in (("jpeg", 82), ("webp", 80))
}
ALL_FORMATS = {
    "jpeg": "max-200x200|format-jpeg",
    "webp": "max-200x200|format-webp",
    "png": "max-200x200|format-png",
    "avif": "max-200x200|format-avif",
}


def photo(name):
    return (PHOTOS / name).read_bytes()


def opened(rendition):
    return Image.open(io.BytesIO(rendition.data))


def mean_rgb(im, box=None):
    im = im.convert("RGB")
    if box:
        im = im.crop(box)
    return im.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def encoded(im, fmt, **params):
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width, height, extra=b""):
    """A PNG whose IHDR claims any size, with a tiny IDAT: nothing is allocated to build it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + extra
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def gif_with_frames(count):
    """A 1x1 GIF with ``count`` real frames, written by hand (Pillow merges equal frames)."""
    head = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return head + frame * count + b"\x3b"


@pytest.fixture(scope="module")
def big_photo():
    """A 4100x2000 JPEG, large enough for the reduced-scale decode path."""
    im = Image.open(io.BytesIO(photo("dune_orientation3.jpg"))).transpose(Image.Transpose.ROTATE_180)
    return encoded(im.resize((4100, 2000), Image.Resampling.BICUBIC), "JPEG", quality=85)


# --------------------------------------------------------------------------- orientation


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_puts_the_sky_at_the_top(orientation):
    info, out = render(photo(f"dune_orientation{orientation}.jpg"), ALL_FORMATS)
    assert (info.width, info.height) == (480, 300)
    for rendition in out.values():
        im = opened(rendition).convert("RGB")
        assert im.size == (200, 125)
        top = mean_rgb(im, (0, 0, 200, 30))
        bottom = mean_rgb(im, (0, 95, 200, 125))
        # Sky: blue above red. Dry grass: red well above blue.
        assert top[2] - top[0] > 20, top
        assert bottom[0] - bottom[2] > 40, bottom


def test_probe_reports_the_displayed_size_after_orientation():
    info = probe(photo("dune_orientation6.jpg"))
    stored = Image.open(PHOTOS / "dune_orientation6.jpg").size
    assert stored == (300, 480)
    assert (info.width, info.height) == (480, 300)


# --------------------------------------------------------------------------- dimensions


def test_default_specs_cascade_to_exact_sizes(big_photo):
    info, out = render(big_photo, DEFAULT_SPECS)
    assert (info.width, info.height) == (4100, 2000)
    sizes = {name: (r.width, r.height) for name, r in out.items()}
    assert sizes == {
        "thumb_jpeg": (320, 156),
        "thumb_webp": (320, 156),
        "medium_jpeg": (1024, 500),
        "medium_webp": (1024, 500),
        "large_jpeg": (2048, 999),
        "large_webp": (2048, 999),
    }
    for rendition in out.values():
        assert opened(rendition).size == (rendition.width, rendition.height)


def test_reduced_scale_decode_keeps_the_picture(big_photo):
    _, out = render(big_photo, {"large": "max-2048x2048|quality-95"})
    reference = Image.open(io.BytesIO(big_photo)).resize((2048, 999), Image.Resampling.LANCZOS)
    ours = opened(out["large"]).convert("RGB")
    for box in [(0, 0, 2048, 200), (0, 800, 2048, 999), (800, 300, 1200, 700)]:
        a, b = mean_rgb(ours, box), mean_rgb(reference, box)
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 2


def test_never_upscales():
    _, out = render(
        photo("meadow.webp"),
        {"max": "max-2000x2000", "width": "width-1000", "height": "height-1000", "orig": "original"},
    )
    assert {n: (r.width, r.height) for n, r in out.items()} == {
        "max": (332, 266),
        "width": (332, 266),
        "height": (332, 266),
        "orig": (332, 266),
    }


def test_max_width_and_height_keep_the_aspect_ratio():
    _, out = render(
        photo("dune_orientation6.jpg"),
        {"max": "max-240x240", "box": "max-100x200", "w": "width-120", "h": "height-60"},
    )
    assert {n: (r.width, r.height) for n, r in out.items()} == {
        "max": (240, 150),
        "box": (100, 62),
        "w": (120, 75),
        "h": (96, 60),
    }


def test_fill_crops_around_the_centre_then_scales():
    _, out = render(photo("dune_orientation8.jpg"), {"sq": "fill-100x100", "tall": "fill-50x100"})
    assert (out["sq"].width, out["sq"].height) == (100, 100)
    assert (out["tall"].width, out["tall"].height) == (50, 100)
    square = opened(out["sq"]).convert("RGB")
    assert mean_rgb(square, (0, 0, 100, 15))[2] > mean_rgb(square, (0, 85, 100, 100))[2]


def test_fill_larger_than_the_source_returns_the_largest_crop_of_that_shape():
    _, out = render(photo("meadow.webp"), {"sq": "fill-400x400", "wide": "fill-1000x500"})
    assert (out["sq"].width, out["sq"].height) == (266, 266)
    assert (out["wide"].width, out["wide"].height) == (332, 166)


def test_extreme_aspect_ratio_keeps_at_least_one_pixel():
    tall = encoded(Image.new("L", (1, 60000), 128), "PNG")
    info, out = render(tall, {"thumb": "max-320x320", "sq": "fill-100x100|format-webp"})
    assert (info.width, info.height) == (1, 60000)
    assert (out["thumb"].width, out["thumb"].height) == (1, 320)
    assert (out["sq"].width, out["sq"].height) == (1, 1)
    assert opened(out["thumb"]).size == (1, 320)


# --------------------------------------------------------------------------- formats


def test_output_formats_are_what_the_bytes_say():
    _, out = render(photo("meadow_adobergb.jpg"), ALL_FORMATS)
    assert out["jpeg"].data[:3] == b"\xff\xd8\xff"
    assert out["webp"].data[:4] == b"RIFF" and out["webp"].data[8:12] == b"WEBP"
    assert out["png"].data[:8] == b"\x89PNG\r\n\x1a\n"
    assert out["avif"].data[4:12] == b"ftypavif"
    for fmt, rendition in out.items():
        assert rendition.format == fmt
        assert rendition.mime == f"image/{fmt}"
        assert opened(rendition).format == {"jpeg": "JPEG", "webp": "WEBP", "png": "PNG", "avif": "AVIF"}[fmt]


def test_jpeg_is_progressive_with_420_subsampling():
    _, out = render(photo("meadow.webp"), {"j": "max-300x300"})
    im = opened(out["j"])
    assert im.info.get("progressive") or im.info.get("progression")
    assert JpegImagePlugin.get_sampling(im) == 2


@pytest.mark.parametrize(
    "name, fmt, mime, extension",
    [
        ("dune_orientation6.jpg", "JPEG", "image/jpeg", "jpg"),
        ("dune_rgb16.png", "PNG", "image/png", "png"),
        ("three_frames.gif", "GIF", "image/gif", "gif"),
        ("meadow.webp", "WEBP", "image/webp", "webp"),
        ("meadow.heic", "HEIF", "image/heic", "heic"),
        ("meadow.avif", "AVIF", "image/avif", "avif"),
        ("ladybird_lzw.tif", "TIFF", "image/tiff", "tif"),
    ],
)
def test_every_accepted_format_is_recognised_and_rendered(name, fmt, mime, extension):
    data = photo(name)
    info = probe(data)
    assert (info.format, info.mime, info.extension) == (fmt, mime, extension)
    _, out = render(data, {"t": "max-120x120|format-webp"})
    assert max(out["t"].width, out["t"].height) == 120


def test_the_format_comes_from_the_bytes_not_the_name():
    # A PNG that anyone could call photo.jpg is still a PNG.
    assert probe(photo("ladybird_rgba.png")).format == "PNG"


def test_animated_gif_renders_its_first_frame():
    info, out = render(photo("three_frames.gif"), {"t": "max-160x160|format-png"})
    assert info.frames == 3
    first = mean_rgb(opened(out["t"]))
    assert max(abs(a - b) for a, b in zip(first, EXPECTED["dune"]["mean"], strict=True)) < 12


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("name", ["dune_orientation6.jpg", "meadow_adobergb.jpg", "meadow.heic"])
def test_outputs_carry_no_metadata(name):
    data = photo(name)
    _, out = render(data, ALL_FORMATS)
    for fmt, rendition in out.items():
        raw = rendition.data
        for marker in (
            b"Exif",
            b"ICC_PROFILE",
            b"xmpmeta",
            b"Secret Photographer",
            b"TestCam",
            b"iCCP",
            b"eXIf",
            b"iTXt",
            b"ICCP",
            b"XMP ",
            b"colr" if fmt != "avif" else b"prof",
        ):
            assert marker not in raw, (fmt, marker)
        im = opened(rendition)
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(im.info), (fmt, im.info.keys())
        assert not dict(im.getexif()), fmt


def test_the_input_bytes_are_left_untouched():
    data = bytearray(photo("dune_orientation6.jpg"))
    before = bytes(data)
    render(data, {"t": "max-100x100"})
    assert bytes(data) == before


# --------------------------------------------------------------------------- colour


def close_to(actual, expected, tolerance):
    return max(abs(a - b) for a, b in zip(actual, expected, strict=True)) <= tolerance


def test_adobe_rgb_photo_is_converted_to_srgb():
    _, out = render(photo("meadow_adobergb.jpg"), {"j": "max-400x400", "w": "max-400x400|format-webp"})
    expected = EXPECTED["meadow"]["mean"]
    naive = mean_rgb(Image.open(PHOTOS / "meadow_adobergb.jpg"))
    assert not close_to(naive, expected, 8)  # ignoring the profile gives dull colours
    for rendition in out.values():
        assert close_to(mean_rgb(opened(rendition)), expected, 4)


def test_cmyk_photo_with_profile_is_converted_to_srgb():
    info, out = render(
        photo("ladybird_cmyk_profile.jpg"), {"j": "max-400x400", "p": "max-400x400|format-png"}
    )
    assert info.format == "JPEG"
    for rendition in out.values():
        im = opened(rendition)
        assert im.mode == "RGB"
        assert close_to(mean_rgb(im), EXPECTED["ladybird"]["mean"], 10)


def test_cmyk_without_profile_is_converted_naively():
    colours = {(0, 0, 0, 0): (255, 255, 255), (0, 0, 0, 255): (0, 0, 0), (255, 0, 0, 0): (0, 255, 255)}
    for cmyk, rgb in colours.items():
        data = encoded(Image.new("CMYK", (64, 64), cmyk), "JPEG", quality=95)
        _, out = render(data, {"p": "max-32x32|format-png"})
        assert close_to(opened(out["p"]).getpixel((16, 16)), rgb, 6), cmyk


def test_16_bit_rgb_png_keeps_its_colours():
    _, out = render(photo("dune_rgb16.png"), {"j": "original"})
    assert close_to(mean_rgb(opened(out["j"])), EXPECTED["dune_small"]["mean"], 3)


@pytest.mark.parametrize("name", ["storm_gray16.png", "storm_gray.jpg", "storm_1bit.png"])
def test_greyscale_inputs_keep_their_brightness(name):
    _, out = render(photo(name), {"j": "max-150x150", "w": "max-150x150|format-webp"})
    for rendition in out.values():
        level = mean_rgb(opened(rendition))[0]
        tolerance = 25 if "1bit" in name else 3  # dithering spreads 1-bit levels
        assert abs(level - EXPECTED["storm"]["mean"]) <= tolerance, level


def test_16_bit_and_float_greyscale_use_the_full_range():
    half = Image.new("I;16", (40, 40), 32768)
    _, out = render(encoded(half, "PNG"), {"p": "original|format-png"})
    assert abs(opened(out["p"]).convert("L").getpixel((5, 5)) - 128) <= 1


@pytest.mark.parametrize("name", ["ladybird_rgba.png", "ladybird_palette.png"])
def test_transparency_is_kept_for_webp_png_avif_and_flattened_on_white_for_jpeg(name):
    info, out = render(photo(name), ALL_FORMATS)
    assert info.has_alpha
    jpeg = opened(out["jpeg"]).convert("RGB")
    assert min(jpeg.getpixel((1, 1))) >= 245  # transparent corner -> white
    for fmt in ("webp", "png", "avif"):
        im = opened(out[fmt]).convert("RGBA")
        assert im.getpixel((1, 1))[3] == 0, fmt
        assert im.getpixel((im.width // 2, im.height // 2))[3] == 255, fmt


# --------------------------------------------------------------------------- hostile input


def test_empty_file_is_refused():
    with pytest.raises(EmptyFile):
        probe(b"")
    with pytest.raises(EmptyFile):
        render(b"", DEFAULT_SPECS)


def test_file_over_the_byte_limit_is_refused():
    with pytest.raises(FileTooLarge):
        probe(photo("meadow.webp"), Limits(max_bytes=1000))


@pytest.mark.parametrize(
    "data",
    [
        b"Hello, this is just text named photo.jpg\n",
        b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n",
        random.Random(7).randbytes(4096),
        b"\x00" * 100,
    ],
    ids=["text", "html", "svg-xml", "svg", "pdf", "random", "zeros"],
)
def test_non_images_are_unsupported(data):
    with pytest.raises(UnsupportedFormat):
        probe(data)
    with pytest.raises(UnsupportedFormat):
        render(data, DEFAULT_SPECS)


def psd_header():
    return b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, 10, 10, 8, 3) + b"\x00" * 64


@pytest.mark.parametrize("fmt", ["BMP", "ICO", "PSD"])
def test_valid_images_of_other_formats_are_unsupported(fmt):
    data = psd_header() if fmt == "PSD" else encoded(Image.new("RGB", (16, 16), "red"), fmt)
    with pytest.raises(UnsupportedFormat):
        render(data, DEFAULT_SPECS)


def test_formats_outside_the_configured_allow_list_are_unsupported():
    with pytest.raises(UnsupportedFormat):
        probe(photo("ladybird_lzw.tif"), Limits(formats=frozenset({"JPEG", "PNG"})))


@pytest.mark.parametrize("name", ["dune_orientation6.jpg", "ladybird_rgba.png", "meadow.webp", "meadow.heic"])
def test_truncated_files_are_corrupt(name):
    data = photo(name)
    with pytest.raises(CorruptImage):
        render(data[: len(data) // 2], DEFAULT_SPECS)


def test_probe_reads_headers_only():
    data = photo("dune_orientation6.jpg")
    assert probe(data[: len(data) // 2]).width == 480  # the header is intact


def test_jpeg_with_garbage_in_the_middle_is_corrupt():
    data = bytearray(photo("dune_orientation6.jpg"))
    n = len(data)
    data[n // 3 : n // 3 + 3000] = random.Random(1).randbytes(3000)
    with pytest.raises(CorruptImage):
        render(bytes(data), DEFAULT_SPECS)


def test_decompression_bomb_is_refused_from_its_header():
    bomb = png_claiming(100_000, 100_000)
    with pytest.raises(TooManyPixels):
        probe(bomb)
    with pytest.raises(TooManyPixels):
        render(bomb, DEFAULT_SPECS)


def test_large_real_photos_are_within_the_pixel_limit():
    assert probe(png_claiming(9000, 6000)).width == 9000  # 54 MP, a modern camera


def test_too_many_frames_are_refused():
    with pytest.raises(TooManyFrames):
        probe(gif_with_frames(301))
    with pytest.raises(TooManyFrames):
        render(gif_with_frames(10_000), DEFAULT_SPECS)
    actl = png_chunk(b"acTL", struct.pack(">II", 10_000, 0))
    with pytest.raises(TooManyFrames):
        probe(png_claiming(10, 10, extra=actl))


def test_frame_limit_is_inclusive():
    info, out = render(gif_with_frames(300), {"t": "max-10x10"})
    assert info.frames == 300
    assert (out["t"].width, out["t"].height) == (1, 1)


def tiff_claiming_tiles(tile):
    """A 16x16 greyscale TIFF whose tiles claim to be tile x tile pixels."""
    entries = [
        (256, 4, 1, 16),
        (257, 4, 1, 16),
        (258, 3, 1, 8),
        (259, 3, 1, 1),
        (262, 3, 1, 1),
        (277, 3, 1, 1),
        (322, 4, 1, tile),
        (323, 4, 1, tile),
        (324, 4, 1, 200),
        (325, 4, 1, 256),
    ]
    ifd = (
        struct.pack("<H", len(entries))
        + b"".join(
            struct.pack("<HHII", tag, typ, count, value)
            if typ == 4
            else struct.pack("<HHIHH", tag, typ, count, value, 0)
            for tag, typ, count, value in entries
        )
        + b"\x00\x00\x00\x00"
    )
    data = b"II*\x00" + struct.pack("<I", 8) + ifd
    return data + b"\x00" * (200 - len(data)) + b"\x80" * 256


def test_tiff_with_a_huge_tile_claim_is_corrupt():
    with pytest.raises(CorruptImage):
        render(tiff_claiming_tiles(1 << 16), DEFAULT_SPECS)


def test_polyglot_jpeg_with_a_payload_renders_without_it():
    payload = b"<script>alert('polyglot')</script>"
    data = photo("dune_orientation3.jpg") + payload
    _, out = render(data, ALL_FORMATS)
    assert all(payload not in r.data for r in out.values())


def test_html_hiding_an_image_is_unsupported():
    data = b"<html><!--" + photo("meadow.webp") + b"--></html>"
    with pytest.raises(UnsupportedFormat):
        render(data, DEFAULT_SPECS)


@pytest.mark.parametrize(
    "name",
    ["dune_orientation6.jpg", "ladybird_palette.png", "three_frames.gif", "meadow.webp", "ladybird_lzw.tif"],
)
def test_damaged_files_raise_only_gallery_errors(name):
    data = photo(name)
    rng = random.Random(name)
    for _ in range(12):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if rng.random() < 0.3:
            damaged = damaged[: rng.randrange(8, len(damaged))]
        try:
            render(bytes(damaged), {"t": "max-64x64", "w": "fill-32x32|format-webp"})
        except GalleryError:
            pass  # anything else fails the test


# --------------------------------------------------------------------------- specs


def test_spec_defaults():
    assert (parse_spec("max-800x600").format, parse_spec("max-800x600").quality) == ("jpeg", 82)
    assert parse_spec("fill-400x400|format-webp").quality == 80
    assert parse_spec("format-avif").quality == 60
    assert parse_spec("width-10|format-png").quality is None
    assert parse_spec("max-800x600|format-jpeg|quality-90").quality == 90


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "max",
        "max-0x100",
        "max-100x0",
        "max-100",
        "max-100x100x3",
        "max--100x100",
        "max-100x",
        "max-+5x5",
        "width-0",
        "width-abc",
        "width--5",
        "height-9000",
        "max-9000x100",
        "fill-100x100|max-50x50",
        "original|width-10",
        "resize-100x100",
        "format-gif",
        "format-jpeg|format-webp",
        "quality-0",
        "quality-101",
        "quality-abc",
        "format-png|quality-50",
        "max-100x100|",
        "|max-100x100",
        "original-5",
        "MAX-10x10",
        "max-1" + "0" * 300 + "x10",
    ],
)
def test_invalid_specs_are_refused(spec):
    with pytest.raises(InvalidRenditionSpec):
        parse_spec(spec)


def test_max_side_is_configurable():
    with pytest.raises(InvalidRenditionSpec):
        parse_spec("width-500", max_side=400)
    with pytest.raises(InvalidRenditionSpec):
        render(photo("meadow.webp"), {"t": "width-500"}, Limits(max_side=400))


def test_a_bad_spec_fails_before_any_decoding():
    with pytest.raises(InvalidRenditionSpec):
        render(b"not an image", {"ok": "max-10x10", "bad": "max-10"})


@pytest.mark.parametrize("size", [(1595, 761), (1601, 763), (2399, 1079)])
def test_sizes_whose_scale_rounds_up_are_not_refused(size):
    """crop * (size / crop) can round one step above size; the cascade's box must not
    start below zero (found by the load test: 1 % of valid JPEGs were refused)."""
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buf, "JPEG")
    specs = {
        f"{name}{ext}": f"max-{side}x{side}|format-{fmt}"
        for name, side in (("large", 2048), ("medium", 1024), ("thumb", 320))
        for ext, fmt in (("", "jpeg"), (".webp", "webp"))
    }
    _, outputs = render(buf.getvalue(), specs)
    assert outputs["thumb"].width == 320
