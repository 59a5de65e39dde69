"""Malformed requests get a 4xx, never a 500: JSON ``{"error", "detail"}`` under /api/,
the normal error page elsewhere. Raw requests through the test client, with crafted
headers and bodies."""

import base64
import json

import pytest

from accounts.services import token_create

pytestmark = pytest.mark.django_db

BOUNDARY = "XyZ123boundary"


@pytest.fixture
def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t').token}"}


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def multipart(*parts: tuple[str, str], boundary: str = BOUNDARY) -> bytes:
    """A multipart body from (part headers, value) pairs."""
    out = []
    for headers, value in parts:
        out.append(f"--{boundary}\r\n{headers}\r\n\r\n{value}\r\n")
    out.append(f"--{boundary}--\r\n")
    return "".join(out).encode()


def field(name: str, value: str) -> tuple[str, str]:
    return (f'Content-Disposition: form-data; name="{name}"', value)


def upload_file(name: str = "file", filename: str = "a.jpg") -> tuple[str, str]:
    return (
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: image/jpeg',
        "x",
    )


def assert_json_error(response, status: int):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error", "detail"} and body["error"] and body["detail"], body


def assert_error_page(response, status: int):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]


# --------------------------------------------------------------------------- API
def api_post(client, body: bytes, content_type: str, auth: dict, path="/api/v1/images", **extra):
    return client.generic("POST", path, body, content_type=content_type, **auth, **extra)


def test_non_numeric_content_length_is_400_json(client, auth, stores):
    body = multipart(field("title", "x"))
    response = api_post(client, body, f"multipart/form-data; boundary={BOUNDARY}", auth, CONTENT_LENGTH="abc")
    assert_json_error(response, 400)


def test_non_numeric_content_length_on_a_get_is_400_json(client, auth, stores):
    response = client.get("/api/v1/images", CONTENT_LENGTH="12x", **auth)
    assert_json_error(response, 400)


def test_negative_content_length_is_400_json(client, auth, stores):
    response = api_post(client, b"{}", "application/json", auth, CONTENT_LENGTH="-5")
    assert_json_error(response, 400)


def test_multipart_without_a_boundary_is_400_json(client, auth, stores):
    response = api_post(client, multipart(field("title", "x")), "multipart/form-data", auth)
    assert_json_error(response, 400)


@pytest.mark.parametrize("boundary", ["", "a b\x7f", "x" * 300])
def test_multipart_with_a_bad_boundary_is_400_json(client, auth, stores, boundary):
    response = api_post(
        client, multipart(field("title", "x")), f"multipart/form-data; boundary={boundary}", auth
    )
    assert_json_error(response, 400)


def test_over_long_part_headers_are_400_json(client, auth, stores):
    headers = 'Content-Disposition: form-data; name="title"\r\nX-Padding: ' + "a" * 2000
    response = api_post(client, multipart((headers, "x")), f"multipart/form-data; boundary={BOUNDARY}", auth)
    assert_json_error(response, 400)


def test_too_many_fields_is_400_json(client, auth, stores, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = multipart(*[field(f"f{i}", "x") for i in range(10)])
    response = api_post(client, body, f"multipart/form-data; boundary={BOUNDARY}", auth)
    assert_json_error(response, 400)


def test_too_many_files_is_400_json(client, auth, stores, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    body = multipart(*[upload_file("file", f"{i}.jpg") for i in range(4)])
    response = api_post(client, body, f"multipart/form-data; boundary={BOUNDARY}", auth)
    assert_json_error(response, 400)


def test_oversize_form_field_is_413_json(client, auth, stores, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = multipart(field("title", "t" * 5000), upload_file())
    response = api_post(client, body, f"multipart/form-data; boundary={BOUNDARY}", auth)
    assert_json_error(response, 413)


def test_oversize_json_body_is_413_json(client, auth, stores, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"title": "t" * 5000}).encode()
    response = client.generic("PATCH", "/api/v1/images/abc", body, content_type="application/json", **auth)
    assert_json_error(response, 413)


@pytest.mark.parametrize("charset", ["no-such-charset", "x" * 200, "base64", "rot13"])
def test_a_bad_charset_is_415_json(client, auth, stores, charset):
    response = client.generic(
        "PATCH",
        "/api/v1/images/abc",
        b'{"title": "x"}',
        content_type=f"application/json; charset={charset}",
        **auth,
    )
    assert_json_error(response, 415)


def test_a_bad_charset_on_a_get_with_a_query_is_4xx_json(client, auth, stores):
    response = client.get("/api/v1/images?limit=2", CONTENT_TYPE="text/plain; charset=bogus", **auth)
    assert_json_error(response, 415)


def test_a_codec_that_is_no_text_encoding_with_a_query_string_is_415(client, auth, stores):
    """Django alone fails here: WSGIRequest decodes the query string with the charset
    (base64 is a codec, not a text encoding) and raises LookupError before any middleware
    runs; imageplatform.charset makes it ignore such a charset, and the middleware answers."""
    response = client.get("/api/v1/images?limit=2", CONTENT_TYPE="text/plain; charset=base64", **auth)
    assert_json_error(response, 415)


def test_a_crafted_cursor_with_an_empty_id_is_400_json(client, auth, stores):
    raw = json.dumps({"id": "", "c": "2024-01-01T00:00:00.000000+0000"}).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = client.get(f"/api/v1/images?cursor={cursor}", **auth)
    assert_json_error(response, 400)
    assert response.json()["error"] == "invalid_cursor"


# --------------------------------------------------------------------------- JSON bodies
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"]
)
def test_json_endpoint_with_another_content_type_is_415(client, auth, stores, content_type):
    response = client.generic(
        "PATCH", "/api/v1/images/abc", b'{"title": "x"}', content_type=content_type, **auth
    )
    assert_json_error(response, 415)


def test_json_endpoint_with_a_multipart_body_is_415(client, auth, stores):
    body = multipart(field("title", "x"))
    response = client.generic(
        "POST",
        "/api/v1/images/abc/links",
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **auth,
    )
    assert_json_error(response, 415)


@pytest.mark.parametrize("body", [b'"hello world"', b"[null, null]", b"null", b"42", b"[]"])
def test_a_json_body_that_is_not_an_object_is_400(client, auth, stores, make_jpeg, body):
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = client.post(
        "/api/v1/images", {"file": SimpleUploadedFile("a.jpg", make_jpeg(40, 30))}, **auth
    ).json()
    for method, path in (
        ("PATCH", f"/api/v1/images/{image['id']}"),
        ("POST", f"/api/v1/images/{image['id']}/links"),
    ):
        response = client.generic(method, path, body, content_type="application/json", **auth)
        assert_json_error(response, 400)
    links = client.get(f"/api/v1/images/{image['id']}/links", **auth).json()
    assert len(links) == 1  # only the default link: nothing was made
    assert client.get(f"/api/v1/images/{image['id']}", **auth).json()["title"] == ""


def test_invalid_json_is_400_json(client, auth, stores):
    response = client.generic(
        "PATCH", "/api/v1/images/abc", b"{nope", content_type="application/json", **auth
    )
    assert_json_error(response, 400)


def test_json_content_type_with_utf8_charset_is_accepted(client, auth, stores):
    response = client.generic(
        "PATCH",
        "/api/v1/images/abc",
        b'{"title": "x"}',
        content_type="application/json; charset=utf-8",
        **auth,
    )
    assert_json_error(response, 404)


# --------------------------------------------------------------------------- pages
@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_malformed_multipart_upload_page_is_a_400_page(signed_in, stores, content_type):
    response = signed_in.generic(
        "POST", "/upload/", multipart(field("title", "x")), content_type=content_type
    )
    assert_error_page(response, 400)


def test_malformed_multipart_login_is_a_400_page(client):
    response = client.generic(
        "POST", "/accounts/login/", multipart(field("username", "x")), content_type="multipart/form-data"
    )
    assert_error_page(response, 400)


def test_too_many_fields_on_login_is_a_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = multipart(*[field(f"f{i}", "x") for i in range(10)])
    response = client.generic(
        "POST", "/accounts/login/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert_error_page(response, 400)


def test_non_numeric_content_length_on_a_page_is_a_400_page(client):
    response = client.generic(
        "POST",
        "/accounts/login/",
        b"username=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="abc",
    )
    assert_error_page(response, 400)


def test_a_bad_charset_on_a_page_is_a_4xx_page(client):
    response = client.get("/accounts/login/?next=/", CONTENT_TYPE="text/plain; charset=bogus")
    assert_error_page(response, 415)


def test_unhandled_api_errors_are_json_500(client, auth, stores, monkeypatch):
    from gallery import services

    def boom(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "image_list", boom)
    client.raise_request_exception = False
    response = client.get("/api/v1/images", **auth)
    assert_json_error(response, 500)
    assert "bug" not in response.json()["detail"]


def test_unhandled_api_errors_are_json_500_with_debug_too(client, auth, stores, monkeypatch, settings):
    """With DEBUG, ninja would answer a plain-text traceback."""
    from gallery import services

    def boom(**kwargs):
        raise RuntimeError("bug")

    settings.DEBUG = True
    monkeypatch.setattr(services, "image_list", boom)
    assert_json_error(client.get("/api/v1/images", **auth), 500)


# --------------------------------------------------------------------------- Django's own errors
def test_a_disallowed_host_is_400_json_under_the_api_and_a_page_elsewhere(client):
    assert_json_error(client.get("/api/v1/images", HTTP_HOST="evil.example"), 400)
    assert_error_page(client.get("/accounts/login/", HTTP_HOST="evil.example"), 400)


def test_a_crash_outside_the_api_handlers_is_500_json_under_the_api(client, monkeypatch):
    from imageplatform.middleware import StoreOutageMiddleware

    def crash(self, request):
        raise RuntimeError("bug in a middleware")

    monkeypatch.setattr(StoreOutageMiddleware, "__call__", crash)
    client.raise_request_exception = False
    response = client.get("/api/v1/images")
    assert_json_error(response, 500)
    assert "bug" not in response.json()["detail"]
    page = client.get("/accounts/login/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
