"""Photo details from EXIF: read before stripping, never GPS, never a crash."""

import io

import pytest
from PIL import ExifTags, Image, TiffImagePlugin

from gallery import exif, services

R = TiffImagePlugin.IFDRational


def jpeg_with_exif(**overrides) -> bytes:
    data = Image.Exif()
    data[ExifTags.Base.Make] = "Canon"
    data[ExifTags.Base.Model] = "Canon EOS R5"
    sub = data.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.LensModel] = "RF24-70mm F2.8 L IS USM"
    sub[ExifTags.Base.ExposureTime] = R(1, 250)
    sub[ExifTags.Base.FNumber] = R(28, 10)
    sub[ExifTags.Base.FocalLength] = R(50, 1)
    sub[ExifTags.Base.ISOSpeedRatings] = 400
    sub[ExifTags.Base.DateTimeOriginal] = "2024:05:01 10:20:30"
    gps = data.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (R(51, 1), R(30, 1), R(0, 1))
    for tag, value in overrides.items():
        sub[getattr(ExifTags.Base, tag)] = value
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (10, 120, 200)).save(buf, "JPEG", exif=data)
    return buf.getvalue()


def test_reads_camera_lens_exposure_and_date():
    assert exif.photo_details(jpeg_with_exif()) == {
        "camera": "Canon EOS R5",
        "lens": "RF24-70mm F2.8 L IS USM",
        "exposure": "1/250 s",
        "aperture": "f/2.8",
        "focal_length": "50 mm",
        "iso": "400",
        "taken_at": "2024-05-01T10:20:30",
    }


def test_never_reads_the_location():
    details = exif.photo_details(jpeg_with_exif())
    assert not any("gps" in k.lower() or "lat" in k.lower() for k in details)
    assert "51" not in " ".join(details.values())


def test_insane_values_are_left_out():
    details = exif.photo_details(
        jpeg_with_exif(ExposureTime=R(0, 0), FNumber=R(-1, 1), DateTimeOriginal="0000:00:00 00:00:00")
    )
    assert {"exposure", "aperture", "taken_at"}.isdisjoint(details)
    assert details["camera"] == "Canon EOS R5"


def test_control_characters_and_long_text_are_cleaned():
    details = exif.photo_details(jpeg_with_exif(LensModel="Lens\x00\x1b[31m" + "x" * 500))
    assert details["lens"].startswith("Lens[31m") and len(details["lens"]) == exif.TEXT_MAX


@pytest.mark.parametrize("cut", [30, 60, 120, 200])
def test_corrupt_exif_gives_no_details_and_no_error(cut):
    good = jpeg_with_exif()
    start = good.index(b"Exif\x00\x00")
    # Scramble the directory: offsets and counts point anywhere.
    bad = good[: start + cut] + bytes(range(255, 155, -1)) + good[start + cut + 100 :]
    assert isinstance(exif.photo_details(bad), dict)


def test_no_exif_and_not_an_image():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    assert exif.photo_details(buf.getvalue()) == {}
    assert exif.photo_details(b"not an image at all") == {}


@pytest.mark.django_db
def test_upload_records_details_and_renditions_carry_no_exif(stores, user):
    image = services.image_upload(owner=str(user.pk), data=jpeg_with_exif(), filename="r5.jpg")
    assert image.photo["camera"] == "Canon EOS R5" and image.photo["iso"] == "400"
    assert services.image_get(image_id=image.id).photo == image.photo


@pytest.mark.django_db
def test_upload_with_corrupt_exif_still_succeeds(stores, user):
    good = jpeg_with_exif()
    start = good.index(b"Exif\x00\x00")
    bad = good[: start + 20] + b"\xff" * 60 + good[start + 80 :]
    image = services.image_upload(owner=str(user.pk), data=bad, filename="odd.jpg")
    assert image.status == "ready"


@pytest.mark.django_db
def test_detail_page_shows_details_and_share_page_does_not(stores, user, client):
    image = services.image_upload(owner=str(user.pk), data=jpeg_with_exif(), visibility="public")
    client.force_login(user)
    page = client.get(f"/images/{image.id}/").content.decode()
    assert "Canon EOS R5" in page and "1/250 s" in page and "f/2.8" in page
    share = client.get(f"/i/{image.id}/").content.decode()
    assert "Canon EOS R5" not in share and "1/250" not in share
