"""Moderation through the admin site: staff see shared images and hide or approve them."""

import pytest

from gallery import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="mod", password="pw-for-tests-1", email="")
    client.force_login(admin)
    return client


def test_shared_images_wait_for_review_and_private_ones_do_not(stores, user, make_jpeg):
    shared = services.image_upload(owner=str(user.pk), data=make_jpeg(), visibility="unlisted")
    services.image_upload(owner=str(user.pk), data=make_jpeg())
    queue = services.image_list_moderation(state="pending_review").images
    assert [i.id for i in queue] == [shared.id]


def test_staff_hide_selected_from_the_queue(stores, staff, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(), visibility="public", title="Beach")
    page = staff.get("/admin/moderation/").content.decode()
    assert "Beach" in page and "alice" in page

    response = staff.post(
        "/admin/moderation/?state=pending_review", {"action": "hide", "selected": [image.id]}, follow=True
    )

    assert "1 image hidden." in response.content.decode()
    hidden = services.image_get(image_id=image.id)
    assert hidden.hidden and hidden.moderation_state == "hidden"
    assert services.image_list_public().images == []
    assert services.image_list_moderation(state="pending_review").images == []
    assert [i.id for i in services.image_list_moderation(state="hidden").images] == [image.id]


def test_approve_and_unhide_from_the_image_page(stores, staff, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(), visibility="public")
    staff.post(f"/admin/moderation/{image.id}/", {"action": "approve"})
    approved = services.image_get(image_id=image.id)
    assert approved.moderation_state is None and not approved.hidden
    assert [i.id for i in services.image_list_public().images] == [image.id]

    staff.post(f"/admin/moderation/{image.id}/", {"action": "hide"})
    staff.post(f"/admin/moderation/{image.id}/", {"action": "unhide"})
    assert not services.image_get(image_id=image.id).hidden


def test_moderation_needs_staff(stores, client, user):
    client.force_login(user)
    response = client.get("/admin/moderation/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_index_links_to_moderation(staff):
    assert "Images awaiting review" in staff.get("/admin/").content.decode()
