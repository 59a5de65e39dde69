"""The gallery pages as a signed-in person uses them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_signed_out_visitors_get_the_landing_page(client):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200 and "/accounts/signup/" in page and "/accounts/login/" in page


def test_empty_gallery_invites_an_upload(stores, signed_in):
    page = signed_in.get("/").content.decode()
    assert "No images yet" in page and "/upload/" in page


def test_upload_page_posts_files_and_answers_json_per_file(stores, signed_in, make_jpeg):
    response = signed_in.post(
        "/upload/",
        {"file": SimpleUploadedFile("sea.jpg", make_jpeg(900, 600))},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    result = response.json()["results"][0]
    assert result["ok"] and result["thumb_url"] and result["url"].startswith("/images/")


def test_upload_page_refusal_gives_the_reason(stores, signed_in):
    response = signed_in.post(
        "/upload/",
        {"file": SimpleUploadedFile("evil.jpg", b"%PDF-1.4 not an image")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 415
    assert "Accepted formats" in response.json()["detail"]


def test_form_upload_without_javascript_redirects_with_messages(stores, signed_in, make_jpeg):
    response = signed_in.post(
        "/upload/",
        {"file": [SimpleUploadedFile("a.jpg", make_jpeg()), SimpleUploadedFile("b.txt", b"text")]},
        follow=True,
    )
    page = response.content.decode()
    assert "Uploaded a.jpg" in page and "b.txt:" in page


def test_gallery_lists_thumbnails_with_srcset(stores, signed_in, user, make_jpeg):
    services.image_upload(owner=str(user.pk), data=make_jpeg(1600, 1200), title="Dunes")
    page = signed_in.get("/").content.decode()
    assert "Dunes" in page and "srcset=" in page and 'type="image/webp"' in page


def test_detail_page_shows_facts_and_sizes(stores, signed_in, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(1600, 1200), title="Dunes")
    page = signed_in.get(f"/images/{image.id}/").content.decode()
    assert "1600 × 1200" in page and "JPEG" in page and "large.webp" in page and "<picture>" in page


def test_someone_elses_detail_page_is_404(stores, client, other_user, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg())
    client.force_login(other_user)
    assert client.get(f"/images/{image.id}/").status_code == 404


def test_edit_rename_and_alt_text(stores, signed_in, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg())
    signed_in.post(
        f"/images/{image.id}/edit/",
        {"title": "Renamed", "caption": "", "alt_text": "Red", "visibility": "private"},
    )
    fresh = services.image_get(image_id=image.id)
    assert (fresh.title, fresh.alt_text) == ("Renamed", "Red")


def test_delete_through_the_page(stores, signed_in, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg())
    assert "cannot be undone" in signed_in.get(f"/images/{image.id}/delete/").content.decode()
    response = signed_in.post(f"/images/{image.id}/delete/", follow=True)
    assert "Deleted" in response.content.decode()
    assert services.image_list(owner=str(user.pk)).images == []


def test_change_resolution_form(stores, signed_in, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(1000, 500))
    response = signed_in.post(
        f"/images/{image.id}/sizes/", {"width": "400", "mode": "fit", "format": "webp"}, follow=True
    )
    assert "Made a 400×200 WEBP" in response.content.decode()


def test_oversized_request_is_refused_before_reading(stores, signed_in, settings):
    settings.GALLERY_MAX_UPLOAD_BYTES = 10
    response = signed_in.post(
        "/upload/",
        {"file": SimpleUploadedFile("big.jpg", b"x" * (2 * 1024 * 1024))},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413


def test_signup_logs_in_and_leads_to_upload(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "email": "",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/upload/"
    assert response.context["user"].username == "carol"


def test_tokens_page_creates_shows_once_and_revokes(signed_in, user):
    page = signed_in.post("/accounts/tokens/", {"name": "script"}, follow=True).content.decode()
    assert "shown only once" in page
    token_id = user.api_tokens.get().id
    signed_in.post(f"/accounts/tokens/{token_id}/revoke/")
    assert not user.api_tokens.exists()


def test_healthz_is_200_when_stores_are_reachable(stores, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_healthz_is_503_when_a_store_is_missing(stores, client, settings):
    settings.GALLERY_TABLE = "no-such-table"
    from gallery.models import ImageItem
    from imageplatform.dynamo import reset_connections

    reset_connections(ImageItem)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["images_table"].startswith("error")
