"""Downloads save under the original's name instead of opening in the tab."""

from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import pytest
from django.conf import settings

from gallery import services, storage

pytestmark = pytest.mark.django_db


def disposition_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["response-content-disposition"][0]


def test_original_url_saves_under_the_uploaded_name(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(), filename="Hafen am Morgen – ü.jpg")
    disposition = disposition_of(image.original_url)
    assert disposition.startswith("attachment; filename=")
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == "Hafen am Morgen – ü.jpg"


def test_the_original_is_stored_as_an_attachment_with_its_real_type(moto_stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(), filename="evil.html")
    key = urlsplit(image.original_url).path.split(f"/{settings.GALLERY_BUCKET}/", 1)[-1].lstrip("/")
    head = boto3.client("s3", region_name="us-east-1").head_object(Bucket=settings.GALLERY_BUCKET, Key=key)
    assert head["ContentDisposition"] == "attachment" and head["ContentType"] == "image/jpeg"


def test_share_download_is_the_largest_jpeg_with_a_readable_name(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(3000, 2000), title="Harbour")
    disposition = disposition_of(image.download_url)
    assert "filename*=UTF-8''Harbour-2048x1365.jpg" in disposition


@pytest.mark.parametrize(
    "name,fallback",
    [
        ("plain.jpg", 'filename="plain.jpg"'),
        ('quo"te;%.jpg', 'filename="quo_te__.jpg"'),
        ("日本.jpg", 'filename="__.jpg"'),
    ],
)
def test_content_disposition_has_an_ascii_fallback(name, fallback):
    value = storage.content_disposition(name)
    assert value.startswith(f"attachment; {fallback}; filename*=UTF-8''")


def test_shared_renditions_are_unsigned_on_the_cdn_and_private_ones_signed(stores, user, make_jpeg, settings):
    settings.GALLERY_SHARED_RENDITIONS_URL = "https://images.example.com"
    shared = services.image_upload(owner=str(user.pk), data=make_jpeg(), visibility="unlisted")
    assert shared.thumb.url.startswith("https://images.example.com/renditions/")
    assert "Signature" not in shared.thumb.url and "X-Amz" not in shared.thumb.url
    assert "X-Amz-Signature=" in shared.original_url  # originals are never on the CDN
    private = services.image_update(image_id=shared.id, owner=shared.owner, visibility="private")
    assert "X-Amz-Signature=" in private.thumb.url
    hidden = services.image_update(image_id=shared.id, owner=shared.owner, visibility="public")
    services.image_moderate(image_id=hidden.id, action="hide")
    assert "X-Amz-Signature=" in services.image_get(image_id=hidden.id).thumb.url
