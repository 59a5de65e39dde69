"""The local S3 server's bucket gets the CORS rule the Terraform bucket has: the site's
origin may POST (direct uploads; the browser's preflight OPTIONS is answered), and nothing
else is allowed, from no other origin."""

import re
import sys
import urllib.error
import urllib.request

import pytest

from devstack import run
from devstack.servers import CORS_METHODS, ROOT, LocalServers, cors_xml, free_port, site_origins

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and prctl")

SITE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    servers = LocalServers(
        data_dir=tmp_path_factory.mktemp("cors"),
        dynalite_port=free_port(),
        s3rver_port=free_port(),
        bucket="media",
        site_origins=site_origins(8000),
        say=lambda _: None,
    ).start()
    yield servers
    servers.stop()


def preflight(
    servers, origin: str, method: str = "POST", headers: str = "", bucket: str = "media"
) -> tuple[int, dict]:
    """The browser's CORS preflight for a request to ``bucket`` on ``servers.s3_url``."""
    request = urllib.request.Request(f"{servers.s3_url}/{bucket}", method="OPTIONS")
    request.add_header("Origin", origin)
    request.add_header("Access-Control-Request-Method", method)
    if headers:
        request.add_header("Access-Control-Request-Headers", headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


# --------------------------------------------------------------------------- real s3rver
@pytest.mark.parametrize("origin", ["http://127.0.0.1:8000", "http://localhost:8000"])
def test_preflight_of_a_post_from_the_site_origin_is_allowed(s3, origin):
    status, headers = preflight(s3, origin, "POST", "content-type")
    assert status == 200, headers
    assert headers["Access-Control-Allow-Methods"] == "POST"
    assert headers["Access-Control-Allow-Headers"] == "content-type"


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "http://127.0.0.1:8001", "http://127.0.0.2:8000", "null"]
)
def test_preflight_from_another_origin_is_refused(s3, origin):
    status, headers = preflight(s3, origin, "POST")
    assert status == 403
    assert "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "HEAD"])
def test_site_origin_may_not_use_other_methods(s3, method):
    status, headers = preflight(s3, SITE, method)
    assert status == 403
    assert "Access-Control-Allow-Origin" not in headers


def test_the_bucket_exists_once_the_server_is_ready(s3):
    """--configure-bucket creates it: `ensure_stores` then finds it there."""
    with urllib.request.urlopen(urllib.request.Request(f"{s3.s3_url}/media", method="HEAD"), timeout=10):
        pass


def test_no_bucket_no_cors_configuration(tmp_path):
    """Without a bucket the s3rver command is unchanged (the tests' own servers)."""
    cmd = LocalServers(data_dir=tmp_path, dynalite_port=1, s3rver_port=2).commands()["s3rver"][0]
    assert "--configure-bucket" not in cmd


# --------------------------------------------------------------------------- no servers needed
def test_the_rule_matches_terraform():
    main_tf = (ROOT / "terraform" / "modules" / "platform" / "main.tf").read_text()
    rule = re.search(r"cors_rules = \[\{(.*?)\}\]", main_tf, re.S).group(1)
    methods = re.search(r"allowed_methods = \[(.*?)\]", rule).group(1)
    assert tuple(m.strip().strip('"') for m in methods.split(",")) == CORS_METHODS
    assert "local.public_origin" in rule


def test_cors_xml_lists_only_the_given_origins_and_post():
    xml = cors_xml(site_origins(8080, "https://images.example.com/"))
    assert re.findall(r"<AllowedOrigin>(.*?)</AllowedOrigin>", xml) == [
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "https://images.example.com",
    ]
    assert re.findall(r"<AllowedMethod>(.*?)</AllowedMethod>", xml) == ["POST"]


def test_make_run_configures_the_bucket_local_settings_use():
    local = (ROOT / "imageplatform" / "settings" / "local.py").read_text()
    default = re.search(r'GALLERY_BUCKET = env_str\("GALLERY_BUCKET", "([^"]+)"\)', local).group(1)
    assert default == run.LOCAL_BUCKET
