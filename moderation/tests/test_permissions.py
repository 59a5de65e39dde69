"""Who reaches moderation: anonymous, an ordinary user, staff without the Moderators group,
a moderator and a superuser, against every moderation URL and action."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from gallery import services as gallery

pytestmark = pytest.mark.django_db

LOGIN, DENIED, OK = "login", "denied", "ok"
ROLES = ("anonymous", "user", "staff", "moderator", "superuser")
EXPECTED = {"anonymous": LOGIN, "user": LOGIN, "staff": DENIED, "moderator": OK, "superuser": OK}


@pytest.fixture
def browsers(django_user_model):
    made = {"anonymous": Client()}
    users = {
        "user": django_user_model.objects.create_user(username="u", password="x"),
        "staff": django_user_model.objects.create_user(username="s", password="x", is_staff=True),
        "moderator": django_user_model.objects.create_user(username="m", password="x", is_staff=True),
        "superuser": django_user_model.objects.create_superuser(username="root", password="x", email=""),
    }
    users["moderator"].groups.add(Group.objects.get(name="Moderators"))
    for role, user in users.items():
        made[role] = Client()
        made[role].force_login(user)
    return made


def outcome(response) -> str:
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return LOGIN
    if response.status_code == 403:
        return DENIED
    assert response.status_code in (200, 302), response.status_code
    return OK


def test_group_has_the_moderation_permissions():
    codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))
    assert {"moderate_images", "ban_users", "view_auditlog", "view_user"} <= codenames


@pytest.mark.parametrize("role", ROLES)
def test_every_moderation_url_and_action(stores, browsers, role, user, make_jpeg):
    image = gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48), visibility="public")
    browser = browsers[role]
    gets = [
        "/admin/moderation/",
        *(
            f"/admin/moderation/?state={s}"
            for s in ("reported", "appealed", "quarantined", "hidden", "removed")
        ),
        f"/admin/moderation/{image.id}/",
        "/admin/moderation/audit/",
        "/admin/moderation/audit.csv",
    ]
    for url in gets:
        assert outcome(browser.get(url)) == EXPECTED[role], url
    actions = ["hide", "restore", "takedown", "dismiss", "approve", "remove"]
    for action in actions:
        body = {"action": action, "reason": "spam", "selected": [image.id]}
        assert outcome(browser.post("/admin/moderation/", body)) == EXPECTED[role], action
        assert outcome(browser.post(f"/admin/moderation/{image.id}/", body)) == EXPECTED[role], action
    after = gallery.image_get(image_id=image.id)
    if EXPECTED[role] == OK:
        assert after.status == "removed"
    else:
        assert after.status == "ready" and not after.hidden and after.moderation_state == "pending_review"
    index = browser.get("/admin/").content.decode()
    assert ("Images awaiting review" in index) == (EXPECTED[role] == OK)


@pytest.mark.parametrize("role", ROLES)
def test_ban_action(stores, browsers, role, other_user):
    browsers[role].post(
        "/admin/auth/user/",
        {"action": "ban_users", "_selected_action": [other_user.pk], "post": "yes", "reason": "abuse"},
    )
    other_user.refresh_from_db()
    assert other_user.is_active == (EXPECTED[role] != OK)
