"""Real photos through the whole platform (API -> pipeline -> S3 -> DynamoDB), on moto and
on the local servers: orientation, colour, depth and alpha as a viewer would see them, and
no camera metadata (GPS above all) in anything served."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageOps, ImageStat

from accounts.services import token_create
from gallery import storage
from tests.support import PHOTOS

pytestmark = pytest.mark.django_db

EXPECTED = json.loads((PHOTOS / "expected.json").read_text())
ALL_PHOTOS = sorted(
    p.name
    for p in PHOTOS.iterdir()
    if p.suffix in {".jpg", ".png", ".tif", ".gif", ".webp", ".heic", ".avif"}
)


@pytest.fixture
def upload(client, user):
    token = token_create(user=user).token

    def send(name: str):
        data = (PHOTOS / name).read_bytes()
        response = client.post(
            "/api/v1/images",
            {"file": SimpleUploadedFile(name, data)},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201, response.content
        return response.json()

    return send


def stored(body: dict, name: str) -> Image.Image:
    """The rendition as stored in the bucket (found through its key in the image record)."""
    from gallery.models import ImageItem

    key = ImageItem.get(body["id"]).renditions.as_dict()[name]["key"]
    return Image.open(io.BytesIO(storage.read(key)))


def difference(a: Image.Image, b: Image.Image) -> float:
    b = b.convert("RGB").resize(a.size, Image.LANCZOS)
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b)).mean) / 3


@pytest.mark.parametrize("name", ALL_PHOTOS)
def test_every_real_photo_gets_all_renditions_without_metadata(stores, upload, name):
    body = upload(name)
    assert body["status"] == "ready"
    assert set(body["renditions"]) >= {"thumb", "thumb.webp", "medium", "medium.webp", "large", "large.webp"}
    for rname, r in body["renditions"].items():
        im = stored(body, rname)
        assert im.format == ("WEBP" if rname.endswith(".webp") else "JPEG")
        assert im.size == (r["width"], r["height"])
        assert max(im.size) <= max(body["width"], body["height"])  # never upscaled
        exif = im.getexif()
        assert len(exif) == 0 and not exif.get_ifd(0x8825), f"{rname} carries EXIF/GPS"
        assert "icc_profile" not in im.info and "xmp" not in im.info and "exif" not in im.info


@pytest.mark.parametrize("name", ["dune_orientation3.jpg", "dune_orientation6.jpg", "dune_orientation8.jpg"])
def test_exif_orientation_is_applied(stores, upload, name):
    body = upload(name)
    assert (body["width"], body["height"]) == (EXPECTED["dune"]["width"], EXPECTED["dune"]["height"])
    large = stored(body, "large")
    upright = ImageOps.exif_transpose(Image.open(PHOTOS / name))
    assert large.size == upright.size
    assert difference(large, upright) < 6  # the same picture, the same way up
    turned = upright.transpose(Image.Transpose.ROTATE_180)
    assert difference(large, turned) > 20  # and not upside down (the sky is on top)


def test_cmyk_photo_is_converted_to_srgb_with_its_profile(stores, upload):
    body = upload("ladybird_cmyk_profile.jpg")
    mean = ImageStat.Stat(stored(body, "large").convert("RGB")).mean
    assert all(abs(m - e) < 12 for m, e in zip(mean, EXPECTED["ladybird"]["mean"], strict=True)), mean


def test_adobe_rgb_photo_keeps_its_colours(stores, upload):
    body = upload("meadow_adobergb.jpg")
    mean = ImageStat.Stat(stored(body, "large").convert("RGB")).mean
    assert all(abs(m - e) < 12 for m, e in zip(mean, EXPECTED["meadow"]["mean"], strict=True)), mean


def test_16_bit_png_is_rendered_at_full_brightness(stores, upload):
    body = upload("dune_rgb16.png")
    mean = ImageStat.Stat(stored(body, "large").convert("RGB")).mean
    assert all(abs(m - e) < 12 for m, e in zip(mean, EXPECTED["dune_small"]["mean"], strict=True)), mean


def test_transparent_corners_are_white_in_jpeg_and_transparent_in_webp(stores, upload):
    body = upload("ladybird_rgba.png")
    jpeg = stored(body, "large").convert("RGB")
    assert min(jpeg.getpixel((1, 1))) > 245
    webp = stored(body, "large.webp")
    assert webp.mode == "RGBA" and webp.getpixel((1, 1))[3] < 10
