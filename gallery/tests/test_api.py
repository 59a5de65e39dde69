"""The JSON API as a client uses it: Bearer token, multipart upload, JSON errors."""

import pytest
from django.core.management import call_command

from accounts.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(user):
    return token_create(user=user, name="test").token


@pytest.fixture
def api(client, token):
    class Api:
        def __init__(self):
            self.headers = {"Authorization": f"Bearer {token}"}

        def upload(self, data, name="photo.jpg", **fields):
            from django.core.files.uploadedfile import SimpleUploadedFile

            return client.post(
                "/api/v1/images", {"file": SimpleUploadedFile(name, data), **fields}, headers=self.headers
            )

        def get(self, path):
            return client.get(path, headers=self.headers)

        def delete(self, path):
            return client.delete(path, headers=self.headers)

        def patch(self, path, body):
            return client.patch(path, body, content_type="application/json", headers=self.headers)

        def post_json(self, path, body):
            return client.post(path, body, content_type="application/json", headers=self.headers)

    return Api()


def test_upload_answers_201_with_renditions_and_urls(stores, api, make_jpeg, client):
    response = api.upload(make_jpeg(2400, 1600), title="Harbour", visibility="unlisted")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert (body["title"], body["visibility"], body["width"], body["height"]) == (
        "Harbour",
        "unlisted",
        2400,
        1600,
    )
    assert body["page_url"].endswith(f"/images/{body['id']}/")
    assert "short_url" in body
    assert set(body["renditions"]) >= {"thumb", "thumb.webp", "medium", "medium.webp", "large", "large.webp"}
    large = body["renditions"]["large"]
    assert (large["width"], large["height"], large["format"]) == (2048, 1365, "jpeg")
    assert large["bytes"] > 0 and large["url"].startswith("http")


def test_upload_without_token_is_401_json(client, make_jpeg, stores):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/api/v1/images", {"file": SimpleUploadedFile("a.jpg", make_jpeg())})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_upload_with_a_wrong_token_is_401(client, make_jpeg, stores):
    response = client.get("/api/v1/images", headers={"Authorization": "Bearer ipt_nope"})
    assert response.status_code == 401


def test_upload_of_text_is_415_with_a_reason(stores, api):
    response = api.upload(b"just some text, not a picture", name="notes.jpg")
    assert response.status_code == 415
    body = response.json()
    assert body["error"] == "unsupported_format" and "JPEG" in body["detail"]


def test_upload_without_a_file_field_is_400(stores, api, client):
    response = client.post("/api/v1/images", {"title": "x"}, headers=api.headers)
    assert response.status_code == 400
    assert response.json()["error"]


def test_upload_over_the_limit_is_413(stores, api, make_jpeg, settings):
    settings.GALLERY_MAX_UPLOAD_BYTES = 2000
    response = api.upload(make_jpeg(600, 600, color=(1, 2, 3)))
    assert response.status_code == 413
    assert response.json()["error"] == "file_too_large"


def test_list_get_patch_delete(stores, api, make_jpeg):
    ids = [api.upload(make_jpeg(80, 60)).json()["id"] for _ in range(3)]

    page = api.get("/api/v1/images?limit=2").json()
    assert [i["id"] for i in page["items"]] == ids[::-1][:2]
    rest = api.get(f"/api/v1/images?limit=2&cursor={page['next_cursor']}").json()
    assert [i["id"] for i in rest["items"]] == [ids[0]] and rest["next_cursor"] is None

    assert api.get(f"/api/v1/images/{ids[0]}").json()["id"] == ids[0]
    patched = api.patch(f"/api/v1/images/{ids[0]}", {"title": "New", "alt_text": "A red square"})
    assert patched.status_code == 200 and patched.json()["title"] == "New"
    bad = api.patch(f"/api/v1/images/{ids[0]}", {"visibility": "world"})
    assert bad.status_code == 400 and "Visibility" in bad.json()["detail"]

    assert api.delete(f"/api/v1/images/{ids[0]}").status_code == 204
    gone = api.get(f"/api/v1/images/{ids[0]}")
    assert gone.status_code == 404 and gone.json()["error"] == "not_found"


def test_bad_cursor_is_400(stores, api):
    response = api.get("/api/v1/images?cursor=%%%garbage")
    assert response.status_code == 400


def test_custom_size_through_the_api(stores, api, make_jpeg):
    image_id = api.upload(make_jpeg(1000, 800)).json()["id"]
    response = api.post_json(
        f"/api/v1/images/{image_id}/renditions", {"width": 500, "height": 500, "mode": "fill"}
    )
    assert response.status_code == 201
    assert (response.json()["width"], response.json()["height"]) == (500, 500)
    too_big = api.post_json(f"/api/v1/images/{image_id}/renditions", {"width": 100000})
    assert too_big.status_code == 400 and too_big.json()["error"] == "invalid_rendition_spec"


def test_openapi_document_lists_the_image_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/images" in doc["paths"]
    assert "post" in doc["paths"]["/api/v1/images"]


def test_createtoken_prints_a_working_token_on_the_last_line(stores, user, client, capsys):
    call_command("createtoken", user.username)
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert client.get("/api/v1/images", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_wrong_method_is_a_json_4xx(stores, api):
    response = api.post_json("/api/v1/images/abc", {})
    assert response.status_code == 405
    assert "json" in response["Content-Type"]


# ------------------------------------------------------------------ sorted, filtered lists
def _walk(api, url):
    """Every item id of a list, following `next` links to the end."""
    seen = []
    while url:
        page = api.get(url.removeprefix("http://testserver"))
        assert page.status_code == 200, page.content
        body = page.json()
        seen += [i["id"] for i in body["items"]]
        url = body["next"]
    return seen


def test_list_searches_filters_and_keeps_them_in_its_next_link(stores, api, make_jpeg):
    dawn = api.upload(make_jpeg(40, 30), title="Harbour at dawn", visibility="public").json()["id"]
    api.upload(make_jpeg(40, 30), title="Mountain", visibility="public")
    dusk = api.upload(make_jpeg(40, 30), title="harbour at DUSK").json()["id"]

    first = api.get("/api/v1/images?q=Harbour&limit=1").json()
    assert [i["id"] for i in first["items"]] == [dusk]
    assert "q=Harbour" in first["next"] and "limit=1" in first["next"]
    assert _walk(api, "/api/v1/images?q=Harbour&limit=1") == [dusk, dawn]
    assert _walk(api, "/api/v1/images?q=harbour&sort=oldest&limit=1") == [dawn, dusk]
    assert _walk(api, "/api/v1/images?q=harbour&visibility=public&limit=1") == [dawn]
    assert _walk(api, "/api/v1/images?status=ready&visibility=private") == [dusk]


def test_list_by_upload_days_and_by_date_taken(stores, api, make_jpeg):
    from datetime import UTC, datetime

    from gallery.models import ImageItem
    from gallery.tests.test_exif import jpeg_with_exif

    taken = api.upload(jpeg_with_exif()).json()["id"]  # taken 2024-05-01
    plain = api.upload(make_jpeg(40, 30)).json()["id"]  # no date taken
    for image_id, day in ((taken, 10), (plain, 20)):
        item = ImageItem.get(image_id, consistent_read=True)
        item.created_at = datetime(2025, 3, day, 12, tzinfo=UTC)
        item.save()

    assert _walk(api, "/api/v1/images?uploaded_from=2025-03-15") == [plain]
    assert _walk(api, "/api/v1/images?uploaded_from=2025-03-01&uploaded_to=2025-03-10") == [taken]
    assert _walk(api, "/api/v1/images?uploaded_to=2025-02-28") == []
    assert _walk(api, "/api/v1/images?sort=taken_newest") == [taken]  # only photos with a date taken


@pytest.mark.parametrize(
    "query, named",
    [
        ("uploaded_from=yesterday", "Uploaded from"),
        ("uploaded_from=0", "Uploaded from"),
        ("uploaded_to=2025-02-30", "Uploaded to"),
        ("sort=random", "Sort"),
        ("visibility=world", "Visibility"),
        ("status=gone", "Status"),
        ("q=" + "x" * 101, "Q"),
    ],
)
def test_list_refuses_a_bad_filter_with_a_reason(stores, api, query, named):
    response = api.get(f"/api/v1/images?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request" and body["detail"].startswith(named)


def test_a_cursor_of_one_order_is_refused_by_another(stores, api, make_jpeg):
    for _ in range(2):
        api.upload(make_jpeg(40, 30))
    cursor = api.get("/api/v1/images?limit=1").json()["next_cursor"]
    response = api.get(f"/api/v1/images?sort=taken_newest&cursor={cursor}")
    assert response.status_code == 400 and response.json()["error"] == "invalid_cursor"
