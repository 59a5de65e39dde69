"""Real-browser tests: Playwright driving Debian's chromium (never a downloaded browser)
against pytest-django's live_server, on the local dynalite + s3rver servers."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous, so tell Django that is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: run `make test-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def site(live_server, local_stores):
    """The live site's base URL, with its stores on the local servers. The test's bucket
    gets the CORS rule `make run` gives the local bucket (devstack.servers.cors_xml): the
    live server's origin may POST (direct uploads from the upload page)."""
    from devstack.servers import CORS_ALLOWED_HEADERS, CORS_METHODS
    from gallery import storage

    _one_request_at_a_time(live_server)
    storage.s3_client().put_bucket_cors(
        Bucket=storage.media_storage().bucket_name,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": [live_server.url],
                    "AllowedMethods": list(CORS_METHODS),
                    "AllowedHeaders": list(CORS_ALLOWED_HEADERS),
                }
            ]
        },
    )
    return live_server.url


def _one_request_at_a_time(live_server):
    """On an in-memory SQLite database every thread of the live server shares the test's one
    connection (Django hands it over), and
    two requests interleaving on it read each other's rows: a page firing requests in
    parallel (the upload page's four files) saw its session vanish, a 401. Run the server's
    requests one at a time there; on PostgreSQL or a file each thread has its own
    connection and nothing changes."""
    import threading

    from django.db import connection

    httpd = live_server.thread.httpd
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        return
    if getattr(httpd, "one_at_a_time", False):
        return
    app, lock = httpd.get_app(), threading.Lock()

    def serialized(environ, start_response):
        with lock:
            return app(environ, start_response)

    httpd.set_app(serialized)
    httpd.one_at_a_time = True
