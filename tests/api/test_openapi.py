"""The OpenAPI document says exactly what the API accepts and answers: enums, limits,
required fields, exclusive options and every error status, from the same schemas that
validate the requests."""

import pytest

from accounts.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").json()


def schema(doc, name):
    return doc["components"]["schemas"][name]


def non_null(prop: dict) -> dict:
    """The non-null branch of an optional property."""
    return next((s for s in prop.get("anyOf", [prop]) if s.get("type") != "null"), prop)


def test_enums(doc):
    assert non_null(schema(doc, "ImagePatch")["properties"]["visibility"])["enum"] == [
        "private",
        "unlisted",
        "public",
    ]
    assert schema(doc, "ImageOut")["properties"]["visibility"]["enum"] == ["private", "unlisted", "public"]
    custom = schema(doc, "CustomSizeIn")["properties"]
    assert custom["mode"]["enum"] == ["fit", "fill"] and custom["format"]["enum"] == ["jpeg", "webp"]
    upload = doc["paths"]["/api/v1/images"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["properties"]["visibility"]["enum"] == ["private", "unlisted", "public"]
    assert upload["required"] == ["file"]


def test_limits_follow_the_settings(client, settings):
    settings.GALLERY_MAX_CUSTOM_SIDE = 1234
    doc = client.get("/api/v1/openapi.json").json()
    width = non_null(schema(doc, "CustomSizeIn")["properties"]["width"])
    assert (width["minimum"], width["maximum"]) == (1, 1234)
    link = schema(doc, "LinkIn")["properties"]
    assert non_null(link["max_visits"])["minimum"] == 1
    assert non_null(link["expires_in_seconds"])["minimum"] == 1
    limit = next(p for p in doc["paths"]["/api/v1/images"]["get"]["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 100)


def test_the_cursor_is_an_opaque_string(doc):
    cursor = next(p for p in doc["paths"]["/api/v1/images"]["get"]["parameters"] if p["name"] == "cursor")
    assert non_null(cursor["schema"])["type"] == "string" and "paque" in cursor["description"]


def test_exclusive_expiry_options_are_documented(doc):
    link = schema(doc, "LinkIn")
    assert link["not"]["required"] == ["expires_at", "expires_in_seconds"]


def test_custom_size_needs_a_side_and_fill_needs_both(doc):
    custom = schema(doc, "CustomSizeIn")
    assert [branch["required"] for branch in custom["anyOf"]] == [["width"], ["height"]]
    assert custom["if"]["properties"]["mode"]["const"] == "fill"


@pytest.mark.parametrize(
    ("method", "path", "codes"),
    [
        ("post", "/api/v1/images", {"201", "400", "401", "413", "415", "503"}),
        ("get", "/api/v1/images", {"200", "400", "401", "503"}),
        ("get", "/api/v1/images/{image_id}", {"200", "400", "401", "404", "503"}),
        ("patch", "/api/v1/images/{image_id}", {"200", "400", "401", "404", "409", "413", "415", "503"}),
        ("delete", "/api/v1/images/{image_id}", {"204", "400", "401", "404", "503"}),
        (
            "post",
            "/api/v1/images/{image_id}/renditions",
            {"201", "400", "401", "404", "409", "413", "415", "503"},
        ),
        ("post", "/api/v1/images/{image_id}/links", {"201", "400", "401", "404", "413", "415", "503"}),
        ("get", "/api/v1/images/{image_id}/links/{code}/qr.svg", {"200", "400", "401", "404", "503"}),
    ],
)
def test_every_status_is_documented_with_the_error_schema(doc, method, path, codes):
    responses = doc["paths"][path][method]["responses"]
    assert set(responses) == codes
    for code in codes - {"200", "201", "204"}:
        assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


# --------------------------------------------------------------------------- validation
@pytest.fixture
def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t').token}"}


def post_json(client, path, body, auth):
    return client.post(path, body, content_type="application/json", **auth)


def test_both_expiry_options_are_refused_with_400(client, auth, moto_stores):
    body = {"expires_at": "2099-01-01T00:00:00Z", "expires_in_seconds": 60}
    response = post_json(client, "/api/v1/images/abc/links", body, auth)
    assert response.status_code == 400 and response.json()["error"] == "invalid_link_option"
    assert "not both" in response.json()["detail"]


def test_both_expiry_options_as_null_are_no_expiry(client, auth, moto_stores):
    body = {"expires_at": None, "expires_in_seconds": None}
    assert (
        post_json(client, "/api/v1/images/abc/links", body, auth).status_code == 404
    )  # validated, no such image


@pytest.mark.parametrize(
    "body",
    [{}, {"width": 0}, {"width": 5000}, {"height": 10, "mode": "fill"}, {"width": None, "height": None}],
)
def test_custom_size_limits_are_validated_from_the_same_schema(client, auth, moto_stores, body, settings):
    settings.GALLERY_MAX_CUSTOM_SIDE = 4096
    response = post_json(client, "/api/v1/images/abc/renditions", body, auth)
    assert response.status_code == 400 and response.json()["error"] == "invalid_rendition_spec"


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x"])
def test_page_size_outside_1_to_100_is_400(client, auth, moto_stores, query):
    response = client.get(f"/api/v1/images?{query}", **auth)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    "body", [{"max_visits": 0}, {"expires_in_seconds": 0}, {"password": "a\u0007b"}, {"password": "x" * 129}]
)
def test_link_options_outside_the_schema_are_400(client, auth, moto_stores, body):
    response = post_json(client, "/api/v1/images/abc/links", body, auth)
    assert response.status_code == 400, response.content


def test_upload_of_a_json_body_is_415(client, auth, moto_stores):
    response = post_json(client, "/api/v1/images", {"file": "x"}, auth)
    assert response.status_code == 415 and response.json()["error"] == "unsupported_media_type"
