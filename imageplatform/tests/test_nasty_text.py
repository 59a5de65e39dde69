"""Every text a user can store is cleaned or refused at the service boundary, so no stored
string can take a page down for everyone.

The nasty strings go in through the API (JSON carries lone surrogates), the pages (form
posts with invalid UTF-8) and the services; afterwards every page that shows the text
answers 200: the owner's gallery and detail page, the share page, the public gallery and
the admin's moderation queue.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import token_create, token_list
from gallery import services
from imageplatform import text

pytestmark = pytest.mark.django_db

SURROGATE = "\ud800"
NASTY = {
    "surrogate": f"Harbour {SURROGATE} at dawn",
    "nul": "Harbour\x00 at dawn",
    "rtl_override": "Harbour \u202etxt.exe",
    "controls": "Harbour\x07\x1b[31m at dawn",
    "ten_thousand": "x" * 10_000,
    "emoji_and_combining": "Ha\u0301rbour 🌅",
}


def raw_json(value: dict) -> str:
    """JSON as an attacker writes it: lone surrogates as \\ud800 escapes."""
    return json.dumps(value, ensure_ascii=True)


@pytest.fixture
def owner(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(64, 48), visibility="public")
    services.image_moderate(image_id=image.id, action="approve")
    return user, image


@pytest.fixture
def api(client, owner):
    user, _ = owner
    return {"Authorization": f"Bearer {token_create(user=user, name='t').token}"}


def pages_still_work(client, user, image, admin_user):
    client.force_login(user)
    for path in ("/", f"/images/{image.id}/"):
        assert client.get(path).status_code == 200, path
    client.logout()
    for path in ("/public/", f"/i/{image.id}/"):
        assert client.get(path).status_code == 200, path
    client.force_login(admin_user)
    assert client.get("/admin/moderation/?state=pending_review").status_code == 200
    assert client.get(f"/admin/moderation/{image.id}/").status_code == 200
    client.logout()


@pytest.mark.parametrize("kind", sorted(NASTY))
def test_api_text_fields_are_cleaned_or_refused(client, api, owner, admin_user, kind):
    user, image = owner
    for field in ("title", "caption", "alt_text"):
        response = client.patch(
            f"/api/v1/images/{image.id}",
            raw_json({field: NASTY[kind]}),
            content_type="application/json",
            headers=api,
        )
        if kind in ("surrogate", "ten_thousand"):
            assert response.status_code == 400, (field, response.content)
            assert set(response.json()) == {"error", "detail"}
        else:
            assert response.status_code == 200, (field, response.content)
            stored = response.json()[field]
            assert "\x00" not in stored and "\u202e" not in stored and "\x1b" not in stored
            stored.encode("utf-8")
    pages_still_work(client, user, image, admin_user)


def test_invalid_utf8_in_a_form_post_is_not_a_500(client, owner, admin_user):
    user, image = owner
    client.force_login(user)
    body = b"title=%FF%FE%ED%A0%80bad&caption=&alt_text=&visibility=public"
    response = client.generic(
        "POST", f"/images/{image.id}/edit/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (302, 400)
    title = services.image_get(image_id=image.id).title
    title.encode("utf-8")
    pages_still_work(client, user, image, admin_user)


def test_file_names_are_cleaned_not_refused(stores, user, make_jpeg):
    image = services.image_upload(
        owner=str(user.pk), data=make_jpeg(), filename=f"../../a{SURROGATE}\u202e\x00b.jpg"
    )
    assert image.original_filename == "a\ufffdb.jpg"


def test_a_multipart_file_name_with_invalid_utf8_is_accepted(stores, client, api, make_jpeg):
    upload = SimpleUploadedFile(
        "caf\udcc3.jpg".encode("utf-8", "surrogateescape").decode("latin-1"), make_jpeg()
    )
    response = client.post("/api/v1/images", {"file": upload}, headers=api)
    assert response.status_code == 201, response.content
    json.dumps(response.json(), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("password", [f"pass{SURROGATE}word", "pass\x00word", "p" * 10_000])
def test_link_passwords_with_nasty_text_are_refused_with_a_reason(client, api, owner, password):
    _, image = owner
    response = client.post(
        f"/api/v1/images/{image.id}/links",
        raw_json({"password": password}),
        content_type="application/json",
        headers=api,
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"] in ("invalid_link_option", "invalid_request")


@pytest.mark.parametrize("name", [f"ci {SURROGATE}", "ci\x00bot", "n" * 10_000, "\u202eevil"])
def test_token_names_are_cleaned(client, owner, name):
    user, _ = owner
    token_create(user=user, name=name)
    for row in token_list(user=user):
        row.name.encode("utf-8")
        assert "\x00" not in row.name and "\u202e" not in row.name and len(row.name) <= 100
    client.force_login(user)
    assert client.get("/accounts/tokens/").status_code == 200


def test_clean_text_rules():
    assert text.clean_text("  a\u202eb\x00c\n ", limit=10, label="T") == "abc"
    assert text.clean_text("a\nb", limit=10, label="T") == "a b"
    assert text.clean_text("a\nb", limit=10, label="T", multiline=True) == "a\nb"
    assert text.clean_text("e\u0301", limit=10, label="T") == "\u00e9"  # NFC
    with pytest.raises(text.InvalidText, match="Title contains characters"):
        text.clean_text(SURROGATE, limit=10, label="Title")
    with pytest.raises(text.InvalidText, match="at most 3"):
        text.clean_text("abcd", limit=3, label="T")
