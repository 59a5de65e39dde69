"""What decisions do to the public: hidden, taken down and removed images answer as if
they never existed; restoring brings page and links back; owners see why and appeal once."""

import pytest
from botocore.exceptions import ClientError

from gallery import services as gallery
from gallery import storage
from moderation import services

pytestmark = pytest.mark.django_db


def decide(client, image_id, action, reason="spam", note=""):
    return client.post(f"/admin/moderation/{image_id}/", {"action": action, "reason": reason, "note": note})


def exists(key: str) -> bool:
    try:
        storage.s3_client().head_object(Bucket=storage.media_storage().bucket_name, Key=key)
    except ClientError:
        return False
    return True


def test_takedown_hides_page_links_and_files_and_restore_brings_them_back(
    stores, client, mod_client, shared_image
):
    image = shared_image()
    code = image.short_code
    files = storage.list_keys(f"renditions/{image.id}/")
    assert files and client.get(f"/i/{image.id}/").status_code == 200
    assert client.get(f"/s/{code}").status_code == 302

    decide(mod_client, image.id, "takedown", "copyright", "DMCA notice 42")

    assert client.get(f"/i/{image.id}/").status_code == 404
    assert client.get(f"/s/{code}").status_code == 404
    assert not any(exists(k) for k in files)  # the URLs handed out before find nothing
    assert gallery.image_list_public().images == []
    [entry] = services.audit_history(image_id=image.id)
    [invalidation] = services.invalidations_get(ids=[entry.invalidation_id])
    assert f"/renditions/{image.id}/*" in invalidation.paths and all(
        p.startswith("/") for p in invalidation.paths
    )
    assert invalidation.status == "requested" and invalidation.requested_by == entry.actor

    decide(mod_client, image.id, "restore", "appeal_granted")
    assert client.get(f"/i/{image.id}/").status_code == 200
    assert client.get(f"/s/{code}").status_code == 302
    restored = gallery.image_get(image_id=image.id)
    assert all(exists(storage_key) for storage_key in storage.list_keys(f"renditions/{image.id}/"))
    assert restored.renditions and [i.id for i in gallery.image_list_public().images] == [image.id]


def test_remove_deletes_the_files_keeps_the_record_and_kills_links(
    stores, client, mod_client, user, shared_image
):
    image = shared_image()
    code = image.short_code
    decide(mod_client, image.id, "remove", "illegal", "police request")

    removed = gallery.image_get(image_id=image.id)
    assert (
        removed.status == "removed"
        and removed.moderation_state == "removed"
        and removed.reason == "Illegal content"
    )
    assert (
        storage.list_keys(f"renditions/{image.id}/") == []
        and storage.list_keys(f"originals/{image.id}/") == []
    )
    assert client.get(f"/i/{image.id}/").status_code == 404
    assert client.get(f"/s/{code}").status_code == 404
    decide(mod_client, image.id, "restore", "appeal_granted")  # refused: the files are gone
    # The owner still sees the record, why it was removed, and can ask for a second look.
    client.force_login(user)
    assert client.get("/").status_code == 200
    page = client.get(f"/images/{image.id}/").content.decode()
    assert "removed" in page and "Illegal content" in page and "Ask for a second look" in page
    from accounts.services import token_create

    token = token_create(user=user, name="t").token
    answer = client.get(f"/api/v1/images/{image.id}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["status"] == "removed"
    assert gallery.image_get(image_id=image.id).status == "removed"
    assert services.invalidations_get(ids=[services.audit_history(image_id=image.id)[-1].invalidation_id])


def test_owner_sees_why_and_appeals_once(stores, client, mod_client, user, shared_image):
    image = shared_image()
    decide(mod_client, image.id, "hide", "nudity")
    client.force_login(user)
    page = client.get(f"/images/{image.id}/").content.decode()
    assert "Nudity or sexual content" in page and "Ask for a second look" in page

    client.post(f"/images/{image.id}/appeal/")
    appealed = gallery.image_get(image_id=image.id)
    assert appealed.moderation_state == "appealed" and appealed.hidden
    assert [i.id for i in gallery.image_list_moderation(state="appealed").images] == [image.id]
    assert "Ask for a second look" not in client.get(f"/images/{image.id}/").content.decode()

    decide(mod_client, image.id, "hide", "appeal_refused")
    response = client.post(f"/images/{image.id}/appeal/", follow=True)
    assert "appealed already" in response.content.decode()
    assert gallery.image_get(image_id=image.id).moderation_state == "hidden"
    assert [e.action for e in services.audit_history(image_id=image.id)] == ["hide", "appeal", "hide"]


def test_someone_elses_image_cannot_be_appealed(stores, client, other_user, mod_client, shared_image):
    image = shared_image()
    decide(mod_client, image.id, "hide")
    client.force_login(other_user)
    assert client.post(f"/images/{image.id}/appeal/").status_code == 404


def test_approved_image_goes_back_to_the_queue_when_reworded_or_shared_again(stores, user, shared_image):
    image = shared_image()
    owner = str(user.pk)
    gallery.image_update(image_id=image.id, owner=owner, alt_text="a beach")  # not what was approved
    assert gallery.image_get(image_id=image.id).moderation_state is None
    gallery.image_update(image_id=image.id, owner=owner, title="Something else")
    assert gallery.image_get(image_id=image.id).moderation_state == "pending_review"
    assert gallery.image_list_public().images == []

    gallery.image_moderate(image_id=image.id, action="approve")
    gallery.image_update(image_id=image.id, owner=owner, visibility="private")
    assert gallery.image_get(image_id=image.id).moderation_state is None
    gallery.image_update(image_id=image.id, owner=owner, visibility="public")
    assert gallery.image_get(image_id=image.id).moderation_state == "pending_review"
    assert gallery.image_list_public().images == []
