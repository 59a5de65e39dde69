"""Link options protect what they promise.

An unlisted image is reachable only through a live link: following one grants the share
page (and its signed file URLs) for a while; revoking, expiry, visit limits and passwords
then protect the page too, not only the redirect. Public images stay open at /i/<id>/.
Visibility is decided before any file URL is signed, so a private image answers like a
missing one.
"""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.test import Client

from gallery import services as gallery
from gallery import storage
from shortlinks import grants, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlisted(stores, user, make_jpeg):
    return gallery.image_upload(
        owner=str(user.pk), data=make_jpeg(160, 120), visibility="unlisted", title="Harbour"
    )


def visit(code: str, **post):
    """A new visitor who has nothing but the link."""
    browser = Client()
    first = browser.post(f"/s/{code}", post) if post else browser.get(f"/s/{code}")
    return browser, first


def test_unlisted_share_page_needs_a_link(unlisted):
    assert Client().get(f"/i/{unlisted.id}/").status_code == 404
    browser, first = visit(unlisted.short_code)
    assert first.status_code == 302
    page = browser.get(first["Location"])
    assert page.status_code == 200 and "Harbour" in page.content.decode()
    # The grant stays with this visitor (a cookie) for the rest of the visit...
    assert browser.get(f"/i/{unlisted.id}/").status_code == 200


def test_the_owner_always_sees_their_share_page(unlisted, client, user):
    client.force_login(user)
    assert client.get(f"/i/{unlisted.id}/").status_code == 200


def test_public_share_page_is_open(stores, user, make_jpeg):
    image = gallery.image_upload(owner=str(user.pk), data=make_jpeg(160, 120), visibility="public")
    assert Client().get(f"/i/{image.id}/").status_code == 200


def test_revoking_ends_the_grant(unlisted):
    link = services.shortlink_create(image_id=unlisted.id, owner=unlisted.owner)
    browser, first = visit(link.code)
    assert browser.get(first["Location"]).status_code == 200
    services.shortlink_revoke(code=link.code, owner=unlisted.owner)
    assert browser.get(f"/i/{unlisted.id}/").status_code == 404
    assert browser.get(first["Location"]).status_code == 404


def test_expiry_ends_the_grant(unlisted):
    link = services.shortlink_create(
        image_id=unlisted.id, owner=unlisted.owner, expires_at=datetime.now(UTC) + timedelta(minutes=5)
    )
    browser, first = visit(link.code)
    assert browser.get(first["Location"]).status_code == 200
    later = datetime.now(UTC) + timedelta(minutes=10)
    with mock.patch.object(services, "_now", return_value=later):
        assert browser.get(f"/i/{unlisted.id}/").status_code == 404


def test_grant_expires_on_its_own(unlisted, settings):
    browser, first = visit(unlisted.short_code)
    settings.SHORTLINKS_GRANT_SECONDS = -1  # every grant is now too old
    assert browser.get(first["Location"]).status_code == 404


def test_a_used_up_link_gives_no_more_grants(unlisted):
    link = services.shortlink_create(image_id=unlisted.id, owner=unlisted.owner, max_visits=1)
    browser, first = visit(link.code)
    assert browser.get(first["Location"]).status_code == 200
    second_browser, second = visit(link.code)
    assert second.status_code == 404
    assert second_browser.get(f"/i/{unlisted.id}/").status_code == 404


def test_a_password_link_grants_only_after_the_password(unlisted):
    link = services.shortlink_create(image_id=unlisted.id, owner=unlisted.owner, password="open sesame")
    browser, form = visit(link.code)
    assert form.status_code == 200 and grants.cookie_name(unlisted.id) not in browser.cookies
    assert browser.get(f"/i/{unlisted.id}/").status_code == 404
    answer = browser.post(f"/s/{link.code}", {"password": "open sesame"})
    assert answer.status_code == 302
    assert browser.get(answer["Location"]).status_code == 200


@pytest.mark.parametrize(
    "grant",
    [
        "not-a-grant",
        grants.grant_make(image_id="someone-else", code="A" * 12),
        "eyJpIjoiYSIsImMiOiJiIn0:1x:forged",
    ],
)
def test_forged_or_foreign_grants_are_refused(unlisted, grant):
    assert Client().get(f"/i/{unlisted.id}/?g={grant}").status_code == 404


def test_a_grant_for_one_image_does_not_open_another(unlisted, make_jpeg):
    other = gallery.image_upload(owner=unlisted.owner, data=make_jpeg(160, 120), visibility="unlisted")
    grant = grants.grant_make(image_id=unlisted.id, code=unlisted.short_code)
    assert Client().get(f"/i/{other.id}/?g={grant}").status_code == 404


# --------------------------------------------------------------------------- no signing before access
def test_private_and_missing_images_sign_nothing(stores, user, make_jpeg, monkeypatch):
    private = gallery.image_upload(owner=str(user.pk), data=make_jpeg(160, 120))
    signed = []
    real = storage.url
    monkeypatch.setattr(storage, "url", lambda key: signed.append(key) or real(key))
    for path in (f"/i/{private.id}/", "/i/does-not-exist/", f"/s/{private.short_code}", "/s/AAAAAAAAAAAA"):
        assert Client().get(path).status_code == 404
    assert signed == []


def test_a_redirect_to_a_share_page_signs_nothing(unlisted, monkeypatch):
    signed = []
    real = storage.url
    monkeypatch.setattr(storage, "url", lambda key: signed.append(key) or real(key))
    assert Client().get(f"/s/{unlisted.short_code}").status_code == 302
    assert signed == []
