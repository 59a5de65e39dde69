"""Banning: the account, its session and its tokens stop at once; its shared images are
hidden; unbanning shows exactly what the ban hid."""

import pytest

from accounts.services import token_create
from gallery import services as gallery
from moderation import services
from moderation.models import Ban

pytestmark = pytest.mark.django_db


def ban(client, user, verb="ban", reason="abuse"):
    return client.post(
        "/admin/auth/user/",
        {
            "action": f"{verb}_users",
            "_selected_action": [user.pk],
            "post": "yes",
            "reason": reason,
            "note": "n",
        },
        follow=True,
    )


def test_ban_stops_session_and_token_and_hides_shared_images(
    stores, client, mod_client, user, shared_image, make_jpeg
):
    public, unlisted = shared_image(), shared_image(visibility="unlisted")
    private = gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))
    already_hidden = shared_image(title="hidden before")
    gallery.image_moderate(image_id=already_hidden.id, action="hide")
    token = token_create(user=user, name="t").token
    from django.test import Client

    alice = Client()
    alice.force_login(user)
    assert alice.get("/").wsgi_request.user.is_authenticated
    assert client.get("/api/v1/images", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get(f"/i/{public.id}/").status_code == 200

    response = ban(mod_client, user)
    assert "1 user banned." in response.content.decode()

    user.refresh_from_db()
    assert not user.is_active
    assert not alice.get("/").wsgi_request.user.is_authenticated  # signed out on the next request
    assert client.get("/api/v1/images", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.get(f"/i/{public.id}/").status_code == 404
    assert gallery.image_list_public().images == []
    assert set(Ban.objects.get(user=user).hidden_image_ids) == {public.id, unlisted.id}
    assert not gallery.image_get(image_id=private.id).hidden
    assert [e.action for e in services.audit_list(action="ban").entries] == ["ban"]

    ban(mod_client, user, verb="unban", reason="appeal_granted")
    user.refresh_from_db()
    assert user.is_active
    assert client.get(f"/i/{public.id}/").status_code == 200
    assert not gallery.image_get(image_id=unlisted.id).hidden
    assert gallery.image_get(image_id=already_hidden.id).hidden  # not the ban's doing: stays hidden
    assert [i.id for i in gallery.image_list_public().images] == [public.id]
    assert [e.action for e in services.audit_list(action="unban").entries] == ["unban"]


def test_unban_leaves_what_moderators_decided_during_the_ban(stores, mod_client, user, shared_image):
    taken_down, removed, plain = shared_image(title="a"), shared_image(title="b"), shared_image(title="c")
    ban(mod_client, user)
    for image, action in ((taken_down, "takedown"), (removed, "remove")):
        mod_client.post(f"/admin/moderation/{image.id}/", {"action": action, "reason": "copyright"})
    ban(mod_client, user, verb="unban", reason="appeal_granted")
    assert gallery.image_get(image_id=taken_down.id).hidden
    assert gallery.image_get(image_id=removed.id).status == "removed"
    assert not gallery.image_get(image_id=plain.id).hidden


def test_ban_asks_for_a_reason_first(stores, mod_client, user):
    response = mod_client.post("/admin/auth/user/", {"action": "ban_users", "_selected_action": [user.pk]})
    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    user.refresh_from_db()
    assert user.is_active


def test_staff_without_the_permission_cannot_ban(stores, client, user, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user(username="staffer", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(staff)
    ban(client, user)
    user.refresh_from_db()
    assert user.is_active


def test_ban_and_unban_buttons_on_the_user_page(stores, mod_client, user, shared_image):
    image = shared_image()
    page = mod_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert f"/admin/auth/user/{user.pk}/ban/" in page
    form = mod_client.get(f"/admin/auth/user/{user.pk}/ban/").content.decode()
    assert 'name="reason"' in form
    mod_client.post(f"/admin/auth/user/{user.pk}/ban/", {"post": "yes", "reason": "spam", "note": "bot"})
    user.refresh_from_db()
    assert not user.is_active and gallery.image_get(image_id=image.id).hidden
    page = mod_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert f"/admin/auth/user/{user.pk}/unban/" in page
    mod_client.post(f"/admin/auth/user/{user.pk}/unban/", {"post": "yes", "reason": "appeal_granted"})
    user.refresh_from_db()
    assert user.is_active and not gallery.image_get(image_id=image.id).hidden


def test_ban_button_needs_the_permission(stores, client, user, django_user_model):
    staff = django_user_model.objects.create_user(username="staffer", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/admin/auth/user/{user.pk}/ban/").status_code == 403
    assert (
        client.post(f"/admin/auth/user/{user.pk}/ban/", {"post": "yes", "reason": "spam"}).status_code == 403
    )
    user.refresh_from_db()
    assert user.is_active
