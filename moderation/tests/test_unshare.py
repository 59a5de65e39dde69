"""An image made private stops being reachable through the lasting URLs it had while shared:
its renditions move to fresh keys, and the CDN is asked to drop its copies."""

import pytest

from gallery import services as gallery
from gallery import storage
from moderation.items import InvalidationItem

pytestmark = pytest.mark.django_db


def test_making_a_shared_image_private_moves_its_files_and_asks_the_cdn(user, stores, shared_image):
    image = shared_image(visibility="unlisted")
    old_keys = {r.url.split("?")[0].rsplit("/", 2)[-1] for r in image.renditions.values()}
    before = set(storage.list_keys(f"renditions/{image.id}/"))
    assert len(before) == len(image.renditions)

    private = gallery.image_update(image_id=image.id, owner=str(user.pk), visibility="private")

    after = set(storage.list_keys(f"renditions/{image.id}/"))
    assert len(after) == len(before) and not after & before  # every file moved, none left
    new_keys = {r.url.split("?")[0].rsplit("/", 2)[-1] for r in private.renditions.values()}
    assert not new_keys & old_keys
    assert storage.read(next(iter(after)))  # the owner's copies are there
    requests = [i for i in InvalidationItem.scan() if i.image_id == image.id]
    assert len(requests) == 1 and f"/renditions/{image.id}/*" in list(requests[0].paths)
    assert requests[0].requested_by == "owner"


def test_saving_a_private_image_again_moves_nothing(user, stores, shared_image):
    image = shared_image(visibility="private", approved=False)
    before = set(storage.list_keys(f"renditions/{image.id}/"))
    gallery.image_update(image_id=image.id, owner=str(user.pk), visibility="private", title="Same")
    assert set(storage.list_keys(f"renditions/{image.id}/")) == before
    assert [i for i in InvalidationItem.scan() if i.image_id == image.id] == []
