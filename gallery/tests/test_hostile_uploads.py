"""Hostile and awkward uploads through the API: always a 4xx with a reason, never a 5xx,
never a partial record."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.services import token_create
from gallery import services, storage

pytestmark = pytest.mark.django_db


def png_with_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height (a decompression bomb)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def encoded(fmt: str, size=(64, 48), **kwargs) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, fmt, **kwargs)
    return buf.getvalue()


def jpeg_cut_in_half() -> bytes:
    data = encoded("JPEG", (800, 600), quality=95)
    return data[: len(data) // 2]


def gif_with_frames(n: int) -> bytes:
    frames = [Image.new("RGB", (4, 4), (i % 256, (i * 7) % 256, 0)) for i in range(n)]  # all different
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


HOSTILE = {
    "empty": (b"", 400),
    "text": (b"hello, I am a text file", 415),
    "html": (b"<!doctype html><script>alert(1)</script>", 415),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 415),
    "pdf": (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", 415),
    "zip": (b"PK\x03\x04" + b"\x00" * 60, 415),
    "random": (bytes(range(256)) * 16, 415),
    "bmp": (encoded("BMP"), 415),
    "ico": (encoded("ICO", (32, 32)), 415),
    "truncated_jpeg": (jpeg_cut_in_half(), 400),
    "truncated_png": (encoded("PNG", (400, 300))[:300], 400),
    "png_bomb": (png_with_size(100_000, 100_000), 413),
    "jpeg_header_only": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 400),
    "gif_too_many_frames": (gif_with_frames(400), 413),
}


@pytest.fixture
def post(client, user, moto_stores):
    token = token_create(user=user).token

    def send(data: bytes, name="upload.jpg", **fields):
        return client.post(
            "/api/v1/images",
            {"file": SimpleUploadedFile(name, data), **fields},
            headers={"Authorization": f"Bearer {token}"},
        )

    return send


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_gets_a_4xx_with_a_reason_and_nothing_is_stored(post, user, case):
    data, status = HOSTILE[case]
    response = post(data)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] and len(body["detail"]) > 10
    assert storage.list_keys("") == []
    assert services.image_list(owner=str(user.pk)).images == []


def test_hostile_filename_is_kept_as_text_only(post, user):
    response = post(encoded("JPEG"), name="../../etc/passwd<script>.jpg")
    assert response.status_code == 201
    image_id = response.json()["id"]
    assert all(key.split("/")[1] == image_id for key in storage.list_keys(""))


def test_too_long_title_is_400(post):
    response = post(encoded("JPEG"), title="x" * 5000)
    assert response.status_code == 400 and "Title" in response.json()["detail"]


def test_unknown_visibility_is_400(post):
    response = post(encoded("JPEG"), visibility="everyone")
    assert response.status_code == 400 and "Visibility" in response.json()["detail"]


def test_extreme_aspect_ratio_still_makes_renditions(post):
    response = post(encoded("PNG", (1, 5000)), name="line.png")
    assert response.status_code == 201
    assert all(r["width"] >= 1 and r["height"] >= 1 for r in response.json()["renditions"].values())
