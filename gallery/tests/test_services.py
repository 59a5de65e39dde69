"""The gallery's services, run on moto and (marked integration) on dynalite + s3rver."""

import io

import pytest
from PIL import Image as PILImage

from gallery import services, storage
from gallery.exceptions import (
    CorruptImage,
    FileTooLarge,
    GalleryError,
    ImageNotFound,
    InvalidRenditionSpec,
    TooManyRenditions,
    UnsupportedFormat,
)

pytestmark = pytest.mark.django_db

NAMED = {"thumb", "thumb.webp", "medium", "medium.webp", "large", "large.webp"}


def all_keys():
    return storage.list_keys("")


def decode(key):
    return PILImage.open(io.BytesIO(storage.read(key)))


def test_upload_makes_every_named_rendition_in_jpeg_and_webp(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(3000, 2000), filename="wide.jpg")

    assert image.status == "ready"
    assert (image.width, image.height, image.format) == (3000, 2000, "JPEG")
    assert set(image.renditions) == NAMED
    expected = {"thumb": (320, 213), "medium": (1024, 683), "large": (2048, 1365)}
    for name, r in image.renditions.items():
        size = name.split(".")[0]
        assert (r.width, r.height) == expected[size]
        stored = decode(
            storage.rendition_key(
                image.id, name, services.named_specs()[name], "webp" if r.format == "webp" else "jpg"
            )
        )
        assert stored.format == ("WEBP" if name.endswith(".webp") else "JPEG")
        assert stored.size == expected[size]


def test_upload_never_upscales_a_small_image(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(200, 100))
    assert {(r.width, r.height) for r in image.renditions.values()} == {(200, 100)}


def test_upload_of_a_non_image_is_refused_and_stores_nothing(stores, user):
    with pytest.raises(UnsupportedFormat):
        services.image_upload(
            owner=str(user.pk), data=b"<html><body>not an image</body></html>", filename="x.jpg"
        )
    assert all_keys() == []
    assert services.image_list(owner=str(user.pk)).images == []


def test_truncated_jpeg_is_refused_and_leaves_nothing_behind(stores, user, make_jpeg):
    data = make_jpeg(1600, 1200)
    with pytest.raises(CorruptImage):
        services.image_upload(owner=str(user.pk), data=data[: len(data) // 2])
    assert all_keys() == []
    assert services.image_list(owner=str(user.pk)).images == []


def test_upload_over_the_byte_limit_is_refused(stores, user, make_jpeg, settings):
    settings.GALLERY_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(FileTooLarge):
        services.image_upload(owner=str(user.pk), data=make_jpeg(800, 800))
    assert all_keys() == []


def test_running_the_pipeline_again_gives_the_same_result(stores, user, make_jpeg):
    first = services.image_upload(owner=str(user.pk), data=make_jpeg(1500, 1000))
    keys_before = sorted(all_keys())
    bytes_before = {k: storage.read(k) for k in keys_before}

    again = services.image_process(image_id=first.id, force=True)
    twice = services.image_process(image_id=first.id, force=True)

    assert again.status == twice.status == "ready"
    assert {n: (r.width, r.height, r.bytes) for n, r in twice.renditions.items()} == {
        n: (r.width, r.height, r.bytes) for n, r in first.renditions.items()
    }
    assert sorted(all_keys()) == keys_before
    assert {k: storage.read(k) for k in keys_before} == bytes_before


def test_gallery_is_paged_newest_first(stores, user, make_jpeg):
    ids = [
        services.image_upload(owner=str(user.pk), data=make_jpeg(64, 48), title=f"n{i}").id for i in range(5)
    ]

    first = services.image_list(owner=str(user.pk), limit=2)
    second = services.image_list(owner=str(user.pk), limit=2, cursor=first.next_cursor)
    third = services.image_list(owner=str(user.pk), limit=2, cursor=second.next_cursor)

    assert [i.id for i in first.images + second.images + third.images] == ids[::-1]
    assert third.next_cursor is None


def test_gallery_shows_only_the_owners_images(stores, user, other_user, make_jpeg):
    services.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))
    assert services.image_list(owner=str(other_user.pk)).images == []


def test_tampered_cursor_is_a_clear_error(stores, user):
    with pytest.raises(GalleryError, match="cursor"):
        services.image_list(owner=str(user.pk), cursor="not-a-cursor!!")


def test_someone_elses_image_is_not_found(stores, user, other_user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))
    with pytest.raises(ImageNotFound):
        services.image_get(image_id=image.id, owner=str(other_user.pk))
    with pytest.raises(ImageNotFound):
        services.image_delete(image_id=image.id, owner=str(other_user.pk))
    assert services.image_get(image_id=image.id, owner=str(user.pk)).id == image.id


def test_update_changes_title_caption_alt_and_visibility(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))
    updated = services.image_update(
        image_id=image.id,
        owner=str(user.pk),
        title="Sunset",
        caption="At the lake",
        alt_text="Orange sky",
        visibility="unlisted",
    )
    fetched = services.image_get(image_id=image.id, owner=str(user.pk))
    assert (updated.title, fetched.title, fetched.caption, fetched.alt_text, fetched.visibility) == (
        "Sunset",
        "Sunset",
        "At the lake",
        "Orange sky",
        "unlisted",
    )
    with pytest.raises(GalleryError, match="Visibility"):
        services.image_update(image_id=image.id, owner=str(user.pk), visibility="everyone")


def test_delete_removes_every_object_and_the_metadata(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(1200, 900))
    services.rendition_create(image_id=image.id, owner=str(user.pk), width=300, height=300, mode="fill")
    assert all_keys()

    services.image_delete(image_id=image.id, owner=str(user.pk))

    assert all_keys() == []
    with pytest.raises(ImageNotFound):
        services.image_get(image_id=image.id)


def test_custom_size_fit_fill_and_never_upscaled(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(1200, 900))
    owner = str(user.pk)

    fit = services.rendition_create(image_id=image.id, owner=owner, width=600)
    fill = services.rendition_create(
        image_id=image.id, owner=owner, width=300, height=300, mode="fill", fmt="webp"
    )
    big = services.rendition_create(image_id=image.id, owner=owner, width=4000, height=4000)

    assert (fit.width, fit.height, fit.format) == (600, 450, "jpeg")
    assert (fill.width, fill.height, fill.format) == (300, 300, "webp")
    assert (big.width, big.height) == (1200, 900)
    stored = services.image_get(image_id=image.id, owner=owner)
    assert {r.name for r in stored.custom_renditions} == {fit.name, fill.name, big.name}
    # asking again for the same size returns the stored one
    assert services.rendition_create(image_id=image.id, owner=owner, width=600).name == fit.name


def test_custom_size_refuses_bad_requests(stores, user, make_jpeg, settings):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(400, 300))
    owner = str(user.pk)
    with pytest.raises(InvalidRenditionSpec):
        services.rendition_create(image_id=image.id, owner=owner)
    with pytest.raises(InvalidRenditionSpec):
        services.rendition_create(image_id=image.id, owner=owner, width=settings.GALLERY_MAX_CUSTOM_SIDE + 1)
    with pytest.raises(InvalidRenditionSpec):
        services.rendition_create(image_id=image.id, owner=owner, width=100, mode="fill")
    settings.GALLERY_MAX_CUSTOM_RENDITIONS = 1
    services.rendition_create(image_id=image.id, owner=owner, width=100)
    with pytest.raises(TooManyRenditions):
        services.rendition_create(image_id=image.id, owner=owner, width=50)


def test_uploads_and_rejections_are_counted_in_metrics(stores, user, make_jpeg, caplog):
    caplog.set_level("INFO", logger="imageplatform.metrics")
    services.image_upload(owner=str(user.pk), data=make_jpeg())
    with pytest.raises(UnsupportedFormat):
        services.image_upload(owner=str(user.pk), data=b"plain text")
    metrics = [r for r in caplog.records if r.name == "imageplatform.metrics"]
    accepted = [r for r in metrics if getattr(r, "upload.accepted", None) == 1]
    rejected = [r for r in metrics if getattr(r, "upload.rejected", None) == 1]
    assert len(accepted) == 1
    assert [getattr(r, "reason", None) for r in rejected] == ["unsupported_format"]
    steps = {getattr(r, "step", None) for r in metrics}
    assert {"pipeline", "pipeline.render", "pipeline.store", "pipeline.save"} <= steps


def test_image_ids_never_start_with_a_dash_or_an_underscore():
    """A leading dash read as an option on command lines (manage.py reprocess ID)."""
    from gallery.services.pipeline import _new_id

    ids = {_new_id() for _ in range(5000)}
    assert len(ids) == 5000
    assert all(len(i) == 12 and i[0].isalnum() for i in ids)
