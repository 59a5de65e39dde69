import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cicd.conftest import load_script

smoke = load_script("ci_smoke_test")


class Site(BaseHTTPRequestHandler):
    """A stand-in for the deployed site; `routes` maps a path to (status, headers, body)."""

    routes: dict = {}
    flaky: dict = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.flaky.get(self.path, 0) > 0:
            self.flaky[self.path] -= 1
            status, headers, body = 503, {}, "warming up"
        else:
            status, headers, body = self.routes.get(self.path, (404, {}, "<h1>Not Found</h1>"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Site.routes = {
        "/healthz": (200, {}, "ok"),
        "/accounts/login/": (200, {}, '<input name="csrfmiddlewaretoken" value="x">'),
        "/s/good": (302, {"Location": "/i/abc/"}, ""),
        "/s/evil": (302, {"Location": "https://evil.example/"}, ""),
        "/static/css/site.1a2b.css": (200, {}, "body{}"),
    }
    Site.flaky = {}
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(origin, **kwargs):
    return smoke.run(origin, smoke.checks(**kwargs), attempts=3, delay=0, sleep=lambda s: None)


def test_a_healthy_site_passes(site, tmp_path, capsys):
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text(json.dumps({"paths": {"css/site.css": "css/site.1a2b.css"}}))
    assert run(site, manifest=manifest, short_code="good")
    out = capsys.readouterr().out
    assert out.count("ok  ") == 4 and "FAIL" not in out


def test_without_a_short_code_an_unknown_code_must_be_the_apps_404(site):
    assert run(site)
    Site.routes[f"/s/{smoke.UNKNOWN_CODE}"] = (502, {}, "Bad gateway")
    assert not run(site)


def test_transient_errors_are_retried(site):
    Site.flaky = {"/healthz": 2}
    assert run(site)
    Site.flaky = {"/healthz": 5}
    assert not run(site)


def test_a_page_that_is_not_djangos_fails(site, capsys):
    Site.routes["/accounts/login/"] = (200, {}, "<html>CloudFront error</html>")
    assert not run(site)
    assert "lacks 'csrfmiddlewaretoken'" in capsys.readouterr().out


def test_a_short_link_redirecting_off_site_fails(site, capsys):
    assert not run(site, short_code="evil")
    assert "not to this origin" in capsys.readouterr().out


def test_no_answer_fails():
    assert not smoke.run("http://127.0.0.1:9", smoke.checks(), attempts=1, delay=0)


def test_cli_refuses_a_relative_origin():
    with pytest.raises(SystemExit):
        smoke.main(["example.org"])


def test_cli_exit_status(site):
    assert smoke.main([site, "--attempts", "1", "--delay", "0"]) == 0
    Site.routes["/healthz"] = (500, {}, "down")
    assert smoke.main([site, "--attempts", "1", "--delay", "0"]) == 1
