"""gallery.storage: where an image's files live, and the calls made to the bucket.

Key derivation is pure. Calls to the bucket run on moto (``moto_stores``) or, through
``stores``, on moto and then (marked ``integration``) on the local S3 server as well.
"""

import re
import uuid
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from botocore.exceptions import ClientError

from gallery import storage

IMAGE_ID = "01HZXAMPLE0000000000000000"
SAFE_KEY = re.compile(r"[A-Za-z0-9/._-]+")


@pytest.fixture
def other_bucket(settings):
    """Point the storage at a fresh bucket name (not created); removed again afterwards."""
    saved = settings.STORAGES
    name = f"test-other-{uuid.uuid4().hex[:8]}"
    default = {**saved["default"], "OPTIONS": {**saved["default"]["OPTIONS"], "bucket_name": name}}
    settings.STORAGES = {**saved, "default": default}
    yield name
    client = storage.s3_client()
    try:
        client.delete_bucket(Bucket=name)
    except ClientError:
        pass
    settings.STORAGES = saved


# --- Keys -----------------------------------------------------------------------------------


def test_prefixes_come_from_the_shared_definition():
    assert storage.prefix("originals") == "originals/"
    assert storage.prefix("renditions") == "renditions/"
    assert storage.prefix("uploads") == "uploads/"


def test_original_key_is_under_the_images_originals_prefix():
    assert storage.original_key(IMAGE_ID, "jpg") == f"originals/{IMAGE_ID}/original.jpg"


def test_rendition_key_is_under_the_images_renditions_prefix_with_name_and_extension():
    key = storage.rendition_key(IMAGE_ID, "thumb_webp", "max-320x320|format-webp", "webp")

    assert re.fullmatch(rf"renditions/{IMAGE_ID}/thumb_webp-[0-9a-f]{{10}}\.webp", key)


def test_rendition_key_is_the_same_for_the_same_spec():
    a = storage.rendition_key(IMAGE_ID, "thumb", "max-320x320|format-webp", "webp")
    b = storage.rendition_key(IMAGE_ID, "thumb", "max-320x320|format-webp", "webp")

    assert a == b


def test_rendition_key_changes_with_the_spec():
    old = storage.rendition_key(IMAGE_ID, "thumb", "max-320x320|format-webp", "webp")
    new = storage.rendition_key(IMAGE_ID, "thumb", "max-320x320|format-webp|quality-70", "webp")

    assert old != new


def test_rendition_key_changes_with_name_image_and_extension():
    base = storage.rendition_key(IMAGE_ID, "thumb", "max-320x320", "jpg")

    assert storage.rendition_key(IMAGE_ID, "card", "max-320x320", "jpg") != base
    assert storage.rendition_key("other-image", "thumb", "max-320x320", "jpg") != base
    assert storage.rendition_key(IMAGE_ID, "thumb", "max-320x320", "webp") != base


def test_rendition_key_does_not_carry_the_spec_text():
    """Specs hold '|', which is not safe in a URL path; the key holds a digest of it."""
    key = storage.rendition_key(IMAGE_ID, "custom-400x300-fill", "fill-400x300|format-webp", "webp")

    assert "|" not in key and "fill-400x300" not in key.split("custom-400x300-fill")[1]
    assert SAFE_KEY.fullmatch(key)


def test_rendition_key_replaces_dots_in_the_name_so_the_extension_is_the_only_one():
    key = storage.rendition_key(IMAGE_ID, "thumb.v2.jpg", "max-10x10", "webp")

    assert key.endswith(".webp")
    assert key.count(".") == 1
    assert "/thumb-v2-jpg-" in key


@pytest.mark.parametrize("name", ["../../originals/x", "..", "a/../../b", "./."])
def test_rendition_key_of_a_hostile_name_stays_under_the_images_renditions_prefix(name):
    key = storage.rendition_key(IMAGE_ID, name, "max-10x10", "jpg")

    assert key.startswith(f"renditions/{IMAGE_ID}/")
    assert ".." not in key
    assert "/./" not in key


def test_image_prefixes_are_the_originals_and_renditions_folders_of_the_image():
    assert storage.image_prefixes(IMAGE_ID) == [f"originals/{IMAGE_ID}/", f"renditions/{IMAGE_ID}/"]


def test_every_key_of_an_image_is_under_one_of_its_prefixes():
    keys = [
        storage.original_key(IMAGE_ID, "heic"),
        storage.rendition_key(IMAGE_ID, "thumb", "max-320x320", "jpg"),
        storage.rendition_key(IMAGE_ID, "a.b", "fill-1x1|format-png", "png"),
    ]

    for key in keys:
        assert sum(key.startswith(p) for p in storage.image_prefixes(IMAGE_ID)) == 1


def test_image_prefixes_do_not_cover_an_image_whose_id_starts_the_same():
    """Deleting image 'abc' must not touch image 'abcd'."""
    other = storage.original_key("abcd", "jpg")

    assert not any(other.startswith(p) for p in storage.image_prefixes("abc"))


# --- Writing and reading --------------------------------------------------------------------


def test_put_then_read_returns_the_same_bytes(stores):
    data = bytes(range(256)) * 4
    key = storage.original_key(IMAGE_ID, "jpg")

    storage.put(key, data, "image/jpeg")

    assert storage.read(key) == data


def test_put_stores_the_content_type_and_a_long_cache_control(stores, settings):
    key = storage.rendition_key(IMAGE_ID, "thumb", "max-1x1|format-webp", "webp")

    storage.put(key, b"RIFF0000WEBP", "image/webp")

    head = storage.s3_client().head_object(Bucket=settings.GALLERY_BUCKET, Key=key)
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == "max-age=31536000, immutable"


def test_put_twice_to_one_key_overwrites_instead_of_writing_a_renamed_copy(stores):
    key = storage.original_key(IMAGE_ID, "png")

    storage.put(key, b"first", "image/png")
    storage.put(key, b"second", "image/png")

    assert storage.read(key) == b"second"
    assert storage.list_keys(f"originals/{IMAGE_ID}/") == [key]


def test_read_of_a_missing_key_raises_file_not_found(stores):
    with pytest.raises(FileNotFoundError):
        storage.read(storage.original_key("no-such-image", "jpg"))


# --- URLs -----------------------------------------------------------------------------------


def test_url_is_a_presigned_url_that_serves_the_file_until_the_configured_expiry(stores, settings):
    """Neither moto nor s3rver checks the signature, so its presence is what is tested."""
    key = storage.rendition_key(IMAGE_ID, "thumb", "max-1x1", "jpg")
    storage.put(key, b"\xff\xd8\xffjpeg bytes", "image/jpeg")

    url = storage.url(key)

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path.endswith(f"/{key}")
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"][0])
    assert query["X-Amz-Expires"] == [str(settings.GALLERY_URL_EXPIRY)]
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.content == b"\xff\xd8\xffjpeg bytes"


# --- Deleting and listing -------------------------------------------------------------------


def test_delete_keys_removes_those_keys_keeps_the_others_and_ignores_missing_ones(stores):
    for name in ("a", "b", "c"):
        storage.put(f"renditions/{IMAGE_ID}/{name}.jpg", b"x", "image/jpeg")

    storage.delete_keys(
        [
            f"renditions/{IMAGE_ID}/a.jpg",
            f"renditions/{IMAGE_ID}/never-written.jpg",
            f"renditions/{IMAGE_ID}/c.jpg",
        ]
    )

    assert storage.list_keys(f"renditions/{IMAGE_ID}/") == [f"renditions/{IMAGE_ID}/b.jpg"]


class RecordingClient:
    """Stands in for the boto3 client: records delete_objects calls, sends nothing."""

    def __init__(self):
        self.calls = []

    def delete_objects(self, **kwargs):
        self.calls.append(kwargs)
        return {}


@pytest.fixture
def recording_client(monkeypatch):
    client = RecordingClient()
    monkeypatch.setattr(storage, "s3_client", lambda: client)
    return client


def test_delete_keys_of_no_keys_sends_no_request(recording_client):
    """S3 answers an empty Delete with MalformedXML."""
    storage.delete_keys([])

    assert recording_client.calls == []


def test_delete_keys_sends_at_most_1000_keys_per_request(recording_client, settings):
    keys = [f"renditions/{IMAGE_ID}/{i}.jpg" for i in range(2500)]

    storage.delete_keys(keys)

    calls = recording_client.calls
    assert [len(c["Delete"]["Objects"]) for c in calls] == [1000, 1000, 500]
    assert [o["Key"] for c in calls for o in c["Delete"]["Objects"]] == keys
    assert all(c["Delete"]["Quiet"] for c in calls)
    assert {c["Bucket"] for c in calls} == {settings.GALLERY_BUCKET}


def test_list_keys_lists_only_keys_under_the_prefix(stores):
    mine = [storage.original_key(IMAGE_ID, "jpg"), storage.rendition_key(IMAGE_ID, "thumb", "max-1x1", "jpg")]
    theirs = [storage.original_key(IMAGE_ID + "X", "jpg")]
    for key in mine + theirs:
        storage.put(key, b"x", "image/jpeg")

    listed = [k for p in storage.image_prefixes(IMAGE_ID) for k in storage.list_keys(p)]

    assert sorted(listed) == sorted(mine)


def test_listing_an_empty_prefix_finds_nothing(stores):
    assert storage.list_keys("originals/nothing-here/") == []
    assert list(storage.list_objects("renditions/nothing-here/")) == []


def test_list_objects_yields_each_key_with_its_last_modified_time(stores):
    key = storage.original_key(IMAGE_ID, "jpg")
    storage.put(key, b"x", "image/jpeg")

    objects = list(storage.list_objects(f"originals/{IMAGE_ID}/"))

    assert [k for k, _ in objects] == [key]
    modified = objects[0][1]
    assert isinstance(modified, datetime)
    assert modified.tzinfo is not None


# --- The bucket -----------------------------------------------------------------------------


def test_client_is_configured_like_the_storage(stores, settings):
    client = storage.s3_client()

    assert client.meta.region_name == settings.AWS_REGION
    if settings.AWS_S3_ENDPOINT_URL:
        assert client.meta.endpoint_url == settings.AWS_S3_ENDPOINT_URL


def test_existing_bucket_is_reachable_and_bucket_ensure_returns_false(stores):
    assert storage.bucket_reachable() is None
    assert storage.bucket_ensure() is False


def test_bucket_ensure_creates_a_missing_bucket_once(stores, other_bucket):
    assert storage.bucket_ensure() is True
    assert storage.bucket_ensure() is False

    storage.bucket_reachable()


def test_bucket_ensure_outside_us_east_1_gives_the_location(moto_stores, settings, other_bucket):
    options = {**settings.STORAGES["default"]["OPTIONS"], "region_name": "eu-west-1"}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}

    assert storage.bucket_ensure() is True

    location = storage.s3_client().get_bucket_location(Bucket=other_bucket)
    assert location["LocationConstraint"] == "eu-west-1"


def test_bucket_reachable_raises_for_a_missing_bucket(stores, other_bucket):
    with pytest.raises(ClientError):
        storage.bucket_reachable()
