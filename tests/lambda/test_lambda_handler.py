"""The built Lambda package serves web requests and events, offline.

Each test sends what AWS would send to ``handler.lambda_handler`` of the unzipped package
(see conftest.py): API Gateway proxy events, Zappa's keep-warm event and ``manage``
command events, against the local DynamoDB- and S3-compatible servers. The tests share
one warm container and run in file order: set-up, signed out, signed in, upload, errors.
"""

import json
import re
import uuid
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.lambda_package

PHOTOS = Path(__file__).resolve().parents[2] / "gallery" / "tests" / "photos"
PASSWORD = "correct horse battery staple"
SITE = "site.example.test"  # CLOUDFRONT_DOMAIN in conftest.py
MAX_UPLOAD = 4_000_000  # GALLERY_MAX_UPLOAD_BYTES in conftest.py


def _photo(name: str, make_jpeg) -> tuple[str, bytes]:
    """A committed test photo when present, else a JPEG made with Pillow."""
    path = PHOTOS / name
    if path.is_file():
        return name, path.read_bytes()
    return "generated.jpg", make_jpeg(1600, 1200)


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture(scope="module")
def app(lambda_app):
    """The container after the deploy's own steps, through ``manage`` events."""
    for command in (
        "migrate --noinput",
        "ensure_stores",
        "createsuperuser --noinput --username alice --email alice@example.org",
    ):
        result, logs = lambda_app.invoke({"manage": command})
        assert result == {}, f"manage {command}: {result!r}\n{''.join(logs)}"
    return lambda_app


# --------------------------------------------------------------------------- the package
def test_package_is_within_lambda_limits(package_zip):
    with zipfile.ZipFile(package_zip) as z:
        unzipped = sum(i.file_size for i in z.infolist())
        names = set(z.namelist())
    assert package_zip.stat().st_size < 50 * 1024 * 1024
    assert unzipped < 250 * 1024 * 1024
    assert {"handler.py", "zappa_settings.py", "manage.py", "staticfiles/staticfiles.json"} <= names
    leaked = [
        n
        for n in names
        if n.startswith(("terraform/", "node_modules/", "var/", "tests/", "dist/", ".venv", "troposphere/"))
        or "/tests/" in n
        and n.startswith(("gallery/", "accounts/", "shortlinks/", "imageplatform/"))
        or n.endswith((".env", ".pem", ".tfstate"))
        and not n.endswith("cacert.pem")
    ]
    assert leaked == []


def test_handler_imports_from_the_package_alone(lambda_app, package_dir):
    ready = lambda_app.ready
    assert ready["handler_file"] == str(package_dir / "handler.py")
    assert ready["foreign_project_paths"] == []
    assert ready["python"] == "3.13"


def test_manage_events_migrate_and_create_the_stores(app):
    result, logs = app.invoke({"manage": "check --deploy --fail-level WARNING"})
    assert result == {}


def test_keep_warm_event_is_answered_without_a_request(app):
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "region": "us-east-1",
        "resources": [
            "arn:aws:events:us-east-1:000000000000:rule/imageplatform-dev-zappa-keep-warm-handler.keep_warm_callback"
        ],
        "detail": {},
    }
    result, logs = app.invoke(event)
    assert result is None
    assert not any('"level":"ERROR"' in line for line in logs)


def test_events_module_ignores_an_unknown_event(app):
    result, logs = app.invoke({"command": "imageplatform.events.handle", "something": "else"})
    assert result == {"handled": False, "kind": "unknown"}
    assert any("event ignored" in line for line in logs)


def test_healthz_reaches_every_store(app):
    response = app.request("GET", "/healthz")
    assert response.status == 200, response.text
    assert set(response.json()["checks"].values()) == {"ok"}


def test_calls_that_skip_cloudfront_are_refused(app):
    """API Gateway's own URL: no origin-verify header (or a wrong one) gets 403."""
    for value in ("", "not-the-secret"):
        page = app.request("GET", "/healthz", headers={"X-Origin-Verify": value})
        assert page.status == 403 and "text/plain" in page.headers["Content-Type"]
        api = app.request("GET", "/api/v1/images", headers={"X-Origin-Verify": value})
        assert api.status == 403 and api.json()["error"] == "forbidden"


# --------------------------------------------------------------------------- signed out
def test_signed_out_visitors_get_the_landing_page_and_pages_redirect_to_login(app):
    landing = app.request("GET", "/")
    assert landing.status == 200 and "text/html" in landing.headers["Content-Type"]
    response = app.request("GET", "/upload/")
    assert response.status == 302
    # CloudFront's paths, without API Gateway's stage prefix
    assert response.headers["Location"] == "/accounts/login/?next=/upload/"


def test_unknown_page_is_404(app):
    response = app.request("GET", "/no-such-page/")
    assert response.status == 404
    assert "text/html" in response.headers["Content-Type"]


# --------------------------------------------------------------------------- signed in
@pytest.fixture(scope="module")
def signed_in(app):
    page = app.request("GET", "/accounts/login/")
    assert page.status == 200
    assert f"https://{SITE}/static/" in page.text  # hashed static names on CloudFront
    response = app.form_post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": _csrf_token(page.text), "username": "alice", "password": PASSWORD},
    )
    assert response.status == 302, response.text[:2000]
    assert "sessionid" in app.cookies
    return app


def test_gallery_signed_in(signed_in):
    response = signed_in.request("GET", "/")
    assert response.status == 200
    assert "alice" in response.text


@pytest.fixture(scope="module")
def uploaded(signed_in, make_jpeg_module):
    name, data = _photo("dune_orientation6.jpg", make_jpeg_module)
    page = signed_in.request("GET", "/upload/")
    body, content_type = _multipart(
        {"csrfmiddlewaretoken": _csrf_token(page.text), "title": "Dune", "visibility": "unlisted"},
        {"file": (name, data, "image/jpeg")},
    )
    response = signed_in.request(
        "POST",
        "/upload/",
        body=body,
        headers={"Content-Type": content_type, "Accept": "application/json", "Origin": f"https://{SITE}"},
    )
    assert response.status == 201, response.text[:2000]
    (result,) = response.json()["results"]
    assert result["ok"], result
    return result, response


@pytest.fixture(scope="module")
def make_jpeg_module():
    import io

    from PIL import Image

    def build(width=640, height=480):
        buf = io.BytesIO()
        Image.new("RGB", (width, height), (200, 80, 40)).save(buf, "JPEG")
        return buf.getvalue()

    return build


def test_upload_of_a_shared_photo_makes_lasting_rendition_urls_on_the_cdn(uploaded):
    """Unlisted: its renditions are served by CloudFront's /renditions/* on the public
    origin, unsigned, so link previews and open tabs keep them (originals stay signed)."""
    result, _ = uploaded
    assert result["status"] == "ready"
    thumb = result["thumb_url"]
    assert thumb.startswith(f"https://{SITE}/renditions/")
    assert "Signature=" not in thumb and "Expires=" not in thumb


def test_heic_upload_uses_the_packaged_pillow_heif(signed_in):
    path = PHOTOS / "meadow.heic"
    if not path.is_file():
        pytest.skip("no HEIC photo fixture")
    page = signed_in.request("GET", "/upload/")
    body, content_type = _multipart(
        {"csrfmiddlewaretoken": _csrf_token(page.text)},
        {"file": ("meadow.heic", path.read_bytes(), "image/heic")},
    )
    response = signed_in.request(
        "POST",
        "/upload/",
        body=body,
        headers={"Content-Type": content_type, "Accept": "application/json", "Origin": f"https://{SITE}"},
    )
    assert response.status == 201, response.text[:2000]
    assert response.json()["results"][0]["status"] == "ready"


def test_detail_page_of_the_upload(signed_in, uploaded):
    result, _ = uploaded
    response = signed_in.request("GET", f"/images/{result['id']}/")
    assert response.status == 200
    assert "Dune" in response.text


def test_short_link_redirects(signed_in, uploaded, package_zip):
    with zipfile.ZipFile(package_zip) as z:
        if "shortlinks/services.py" not in z.namelist():
            pytest.skip("short links have not landed yet")
    result, _ = uploaded
    page = signed_in.request("GET", f"/images/{result['id']}/")
    match = re.search(r"/s/([A-Za-z0-9_-]+)", page.text)
    assert match, "the detail page shows no short link"
    response = signed_in.request("GET", f"/s/{match.group(1)}")
    assert response.status == 302
    assert signed_in.request("GET", "/s/zzzzzzzzzzzz").status == 404


def test_upload_over_the_size_limit_is_refused_before_reading_it(signed_in):
    body, content_type = _multipart(
        {}, {"file": ("big.jpg", b"\xff" * (MAX_UPLOAD + 1_200_000), "image/jpeg")}
    )
    response = signed_in.request(
        "POST",
        "/upload/",
        body=body,
        headers={"Content-Type": content_type, "Accept": "application/json", "Origin": f"https://{SITE}"},
    )
    assert response.status == 413
    assert response.json()["error"] == "file_too_large"


# --------------------------------------------------------------------------- logs
def test_logs_are_json_lines_with_request_fields_and_no_secrets(signed_in, uploaded):
    _, response = uploaded
    records = response.log_records()
    (line,) = [r for r in records if r.get("logger") == "imageplatform.request"]
    assert line["route"] == "/upload/"
    assert line["status"] == 201
    assert line["user_id"] and line["request_id"] and line["duration_ms"] > 0
    everything = "".join(signed_in.all_logs)
    for secret in signed_in.secret_values:
        assert secret not in everything
    assert "Signature=" not in everything and "X-Amz-Signature" not in everything
    for raw in signed_in.all_logs:
        if raw.startswith('{"'):  # Zappa prints a few plain lines of its own
            json.loads(raw)  # every structured line parses
