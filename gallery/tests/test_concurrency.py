"""Concurrent changes of one image are never lost (the version guard of change_image).

Each test interleaves two writers deterministically: the first one reads, the second
saves, then the first saves. Without the conditional save the second writer's change
would be silently undone. Run on moto and on the local DynamoDB server.
"""

import pytest

from gallery import services
from gallery.models import ImageItem
from gallery.services import pipeline, records

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(stores, user, make_jpeg):
    return services.image_upload(owner=str(user.pk), data=make_jpeg(640, 480), visibility="unlisted")


def interleave(monkeypatch, meanwhile):
    """The next read of an image record returns what was stored, then runs ``meanwhile``
    (another writer saving) before the reader gets to save its change."""
    real = records.get_item
    state = {"done": False}

    def get_item(image_id, owner=None):
        item = real(image_id, owner)
        if not state["done"]:
            state["done"] = True
            meanwhile()
        return item

    monkeypatch.setattr(records, "get_item", get_item)
    return state


def test_owner_edit_during_a_moderator_hide_keeps_both(monkeypatch, image):
    interleave(monkeypatch, lambda: services.image_moderate(image_id=image.id, action="hide"))
    services.image_update(image_id=image.id, owner=image.owner, title="Owner's title")
    stored = services.image_get(image_id=image.id)
    assert stored.title == "Owner's title"
    assert stored.hidden and stored.moderation_state == "hidden"


def test_moderator_hide_during_an_owner_edit_keeps_both(monkeypatch, image):
    interleave(
        monkeypatch, lambda: services.image_update(image_id=image.id, owner=image.owner, caption="Owner's")
    )
    services.image_moderate(image_id=image.id, action="hide")
    stored = services.image_get(image_id=image.id)
    assert stored.hidden and stored.caption == "Owner's"


def test_pipeline_result_never_undoes_an_edit_made_while_it_ran(image):
    stale = ImageItem.get(image.id)  # the pipeline read the record...
    services.image_update(image_id=image.id, owner=image.owner, title="Renamed meanwhile")
    services.image_moderate(image_id=image.id, action="hide")
    # ...and saves its result after both changes.
    result = pipeline.run_pipeline(stale, pipeline.named_specs(), records.renditions_of(stale), None)
    stored = services.image_get(image_id=image.id)
    assert result.status == stored.status == "ready"
    assert stored.title == "Renamed meanwhile" and stored.hidden
    assert set(stored.renditions) == set(pipeline.named_specs())


def test_custom_size_made_during_an_edit_is_kept(monkeypatch, image):
    interleave(
        monkeypatch,
        lambda: services.rendition_create(image_id=image.id, owner=image.owner, width=100, mode="fit"),
    )
    services.image_update(image_id=image.id, owner=image.owner, alt_text="A red field")
    stored = services.image_get(image_id=image.id)
    assert stored.alt_text == "A red field"
    assert [r.name for r in stored.custom_renditions] == ["custom-100xauto-fit"]


def test_a_writer_that_always_loses_gets_a_conflict_not_a_lost_update(monkeypatch, image):
    from gallery.exceptions import ConcurrentChange

    monkeypatch.setattr(records, "save_versioned", lambda item: False)
    with pytest.raises(ConcurrentChange):
        services.image_update(image_id=image.id, owner=image.owner, title="never saved")
    assert services.image_get(image_id=image.id).title == ""
