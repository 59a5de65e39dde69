"""/api/v1/images/{id}/links as a client uses it, and the upload answer's short_url."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import token_create
from gallery import services as gallery

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers(user):
    return {"Authorization": f"Bearer {token_create(user=user, name='test').token}"}


@pytest.fixture
def other_headers(other_user):
    return {"Authorization": f"Bearer {token_create(user=other_user, name='test').token}"}


@pytest.fixture
def image(stores, user, make_jpeg):
    return gallery.image_upload(owner=str(user.pk), data=make_jpeg(200, 150), visibility="unlisted")


def links_url(image_id):
    return f"/api/v1/images/{image_id}/links"


def test_upload_answers_with_the_default_short_url_that_works(stores, client, headers, make_jpeg):
    response = client.post(
        "/api/v1/images",
        {"file": SimpleUploadedFile("a.jpg", make_jpeg()), "visibility": "unlisted"},
        headers=headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["short_url"].startswith("http://testserver/s/")
    code = body["short_url"].rsplit("/", 1)[1]
    assert len(code) >= 10 and code.isalnum()
    follow = client.get(f"/s/{code}", follow=True)  # a visitor with nothing but the link
    assert follow.status_code == 200 and follow.redirect_chain[0][0].startswith(f"/i/{body['id']}/?g=")
    assert body["id"] in follow.content.decode() and "og:image" in follow.content.decode()
    listed = client.get("/api/v1/images", headers=headers).json()["items"]
    assert [i["short_url"] for i in listed] == [body["short_url"]]


def test_list_create_and_revoke(client, headers, image):
    listed = client.get(links_url(image.id), headers=headers)
    assert listed.status_code == 200 and len(listed.json()) == 1

    created = client.post(
        links_url(image.id),
        {"target": "large", "expires_in_seconds": 3600, "max_visits": 3, "password": "pw"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    link = created.json()
    assert set(link) >= {
        "code",
        "short_url",
        "target",
        "created_at",
        "expires_at",
        "max_visits",
        "visits",
        "last_visit_at",
        "revoked",
        "has_password",
        "qr_url",
    }
    assert (link["target"], link["max_visits"], link["visits"], link["has_password"], link["revoked"]) == (
        "large",
        3,
        0,
        True,
        False,
    )
    assert link["expires_at"] and "password" not in link and "password_hash" not in link

    qr = client.get(link["qr_url"], headers=headers)
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<svg")

    assert client.delete(f"{links_url(image.id)}/{link['code']}", headers=headers).status_code == 204
    states = {row["code"]: row["revoked"] for row in client.get(links_url(image.id), headers=headers).json()}
    assert states[link["code"]] is True
    assert client.get(f"/s/{link['code']}").status_code == 404


def test_visits_show_in_the_list(client, headers, image):
    code = client.get(links_url(image.id), headers=headers).json()[0]["code"]
    for _ in range(3):
        assert client.get(f"/s/{code}").status_code == 302
    row = client.get(links_url(image.id), headers=headers).json()[0]
    assert row["visits"] == 3 and row["last_visit_at"]


@pytest.mark.parametrize(
    "body",
    [
        {"target": "https://evil.example/"},
        {"target": "//evil.example/x"},
        {"target": "/admin/"},
        {"expires_in_seconds": 0},
        {"expires_at": "2000-01-01T00:00:00Z"},
        {"expires_at": "2099-01-01T00:00:00Z", "expires_in_seconds": 60},
        {"max_visits": 0},
        {"url": "https://evil.example/"},  # unknown fields are ignored, never a target
    ],
)
def test_bad_options_are_400_json_and_no_user_url_is_ever_a_target(client, headers, image, body):
    response = client.post(links_url(image.id), body, content_type="application/json", headers=headers)
    if "url" in body:
        assert response.status_code == 201
        code = response.json()["code"]
        assert client.get(f"/s/{code}")["Location"].startswith(f"/i/{image.id}/?g=")
        return
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"error", "detail"}


def test_someone_elses_image_and_links_are_404(client, other_headers, image, headers):
    code = client.get(links_url(image.id), headers=headers).json()[0]["code"]
    assert client.get(links_url(image.id), headers=other_headers).status_code == 404
    created = client.post(links_url(image.id), {}, content_type="application/json", headers=other_headers)
    assert created.status_code == 404
    revoked = client.delete(f"{links_url(image.id)}/{code}", headers=other_headers)
    assert revoked.status_code == 404 and revoked.json()["error"] == "not_found"
    assert client.get(f"/s/{code}").status_code == 302  # still works


def test_revoking_a_link_through_another_image_is_404(client, headers, image, user, make_jpeg):
    other = gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))
    code = client.get(links_url(image.id), headers=headers).json()[0]["code"]
    assert client.delete(f"{links_url(other.id)}/{code}", headers=headers).status_code == 404


def test_links_need_a_token(client, image):
    assert client.get(links_url(image.id)).status_code == 401


def test_making_the_image_private_through_the_api_suspends_its_links(client, headers, image):
    code = client.get(links_url(image.id), headers=headers).json()[0]["code"]
    assert client.get(f"/s/{code}").status_code == 302
    patched = client.patch(
        f"/api/v1/images/{image.id}",
        {"visibility": "private"},
        content_type="application/json",
        headers=headers,
    )
    assert patched.status_code == 200
    assert client.get(f"/s/{code}").status_code == 404
    rows = client.get(links_url(image.id), headers=headers).json()
    assert [row["state"] for row in rows] == ["suspended"] and not rows[0]["revoked"]


def test_links_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/images/{image_id}/links", "/api/v1/images/{image_id}/links/{code}"} <= set(paths)
