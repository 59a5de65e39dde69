"""Awkward but legitimate files (odd modes, odd metadata, animations, tiny pictures) and more
hostile ones: each either becomes an image with renditions or gets a 4xx with a reason,
never a 5xx and never a partial record."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.services import token_create
from gallery import services, storage

pytestmark = pytest.mark.django_db


def save(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def gradient(mode: str = "RGB", size=(96, 64)) -> Image.Image:
    image = Image.linear_gradient("L").resize(size)
    return image.convert(mode) if mode != "L" else image


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunk_before_idat(chunk: bytes) -> bytes:
    data = save(gradient(), "PNG")
    at = data.index(b"IDAT") - 4
    return data[:at] + chunk + data[at:]


def jpeg_with_exif(exif: bytes) -> bytes:
    data = save(gradient(), "JPEG")
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    return data[:2] + app1 + data[2:]


def exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def jpeg_claiming_size(width: int, height: int) -> bytes:
    """A baseline JPEG whose frame header claims width x height (a decompression bomb)."""
    data = bytearray(save(gradient(), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def animation(fmt: str, frames: int = 4, **kwargs) -> bytes:
    images = [Image.new("RGB", (40, 30), (i * 60 % 256, 80, 160)) for i in range(frames)]
    return save(images[0], fmt, save_all=True, append_images=images[1:], **kwargs)


ACCEPTED = {
    "one_pixel_jpeg": lambda: save(Image.new("RGB", (1, 1), "red"), "JPEG"),
    "grayscale_jpeg": lambda: save(gradient("L"), "JPEG"),
    "cmyk_jpeg_without_profile": lambda: save(gradient("CMYK"), "JPEG"),
    "exif_orientation_out_of_range": lambda: jpeg_with_exif(exif_orientation(9)),
    "exif_orientation_zero": lambda: jpeg_with_exif(exif_orientation(0)),
    "exif_garbage": lambda: jpeg_with_exif(b"Exif\x00\x00" + b"\xde\xad\xbe\xef" * 20),
    "jpeg_with_a_zip_appended": lambda: save(gradient(), "JPEG") + b"PK\x03\x04" + b"\x00" * 100,
    "garbage_icc_profile": lambda: save(gradient(), "JPEG", icc_profile=b"not a profile" * 10),
    "bilevel_png": lambda: save(gradient("1"), "PNG"),
    "palette_png_with_transparency": lambda: save(gradient("P"), "PNG", transparency=0),
    "gray_alpha_png": lambda: save(gradient("LA"), "PNG"),
    "sixteen_bit_gray_png": lambda: save(gradient("I;16"), "PNG"),
    "rgba_png_fully_transparent": lambda: save(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "PNG"),
    "apng": lambda: animation("PNG"),
    "animated_webp": lambda: animation("WEBP"),
    "animated_gif": lambda: animation("GIF"),
    "multipage_tiff": lambda: animation("TIFF"),
    "float_tiff": lambda: save(gradient("F"), "TIFF"),
    "cmyk_tiff": lambda: save(gradient("CMYK"), "TIFF"),
    "lzw_tiff": lambda: save(gradient(), "TIFF", compression="tiff_lzw"),
    "lossless_webp_with_alpha": lambda: save(gradient("RGBA"), "WEBP", lossless=True),
}


def gif_with_screen(width: int, height: int) -> bytes:
    data = bytearray(animation("GIF", frames=1))
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


REFUSED = {
    "gif_huge_logical_screen": (lambda: gif_with_screen(65_535, 65_535), 413),
    "tiff_too_many_pages": (lambda: animation("TIFF", frames=400), 413),
    "jpeg_bomb": (lambda: jpeg_claiming_size(65_000, 65_000), 413),
    "png_text_chunk_bomb": (
        lambda: png_with_chunk_before_idat(
            png_chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"\x00" * 200_000_000))
        ),
        None,  # Pillow may skip or refuse the chunk: either a 201 or a 4xx, never a 5xx
    ),
    # every pixel is there, only the last CRC and IEND are broken: like browsers, accepting it is fine
    "png_bad_crc_without_iend": (lambda: save(gradient(), "PNG")[:-20] + b"\x00" * 20, None),
    "gif_without_frames": (lambda: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", 400),
    "webp_truncated": (lambda: save(gradient(), "WEBP")[:40], 400),
    "tiff_header_only": (lambda: b"II*\x00\x08\x00\x00\x00\x00\x00", 400),
    "heic_brand_with_garbage": (
        lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200,
        400,
    ),
}


@pytest.fixture
def post(client, user, moto_stores):
    token = token_create(user=user).token

    def send(data: bytes, name="upload.bin"):
        return client.post(
            "/api/v1/images",
            {"file": SimpleUploadedFile(name, data)},
            headers={"Authorization": f"Bearer {token}"},
        )

    return send


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_awkward_file_becomes_an_image_with_renditions(post, user, case):
    response = post(ACCEPTED[case]())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert {"thumb", "thumb.webp"} <= set(body["renditions"])
    thumb = body["renditions"]["thumb"]
    assert thumb["format"] == "jpeg" and 1 <= thumb["width"] <= 320 and 1 <= thumb["height"] <= 320
    for key in storage.list_keys(f"renditions/{body['id']}/"):
        with Image.open(io.BytesIO(storage.read(key))) as rendition:
            assert rendition.mode in ("RGB", "RGBA", "L")
            assert "exif" not in rendition.info


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_broken_or_hostile_file_is_refused_cleanly(post, user, case):
    make, status = REFUSED[case]
    response = post(make())
    if status is None and response.status_code == 201:
        return
    assert response.status_code == (status or response.status_code), response.content
    assert 400 <= response.status_code < 500, response.content
    body = response.json()
    assert body["error"] and len(body["detail"]) > 10
    assert storage.list_keys("") == []
    assert services.image_list(owner=str(user.pk)).images == []
