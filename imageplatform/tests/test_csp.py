"""A Content-Security-Policy on every page, and nothing inline for it to forbid."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_no_inline_script_handler_or_style(path):
    source = path.read_text()
    assert not INLINE_SCRIPT.search(source), "inline <script>"
    assert not HANDLER.search(source), "inline event handler"
    assert not STYLE_ATTRIBUTE.search(source), "style attribute"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/public/", "/healthz", "/s/AAAAAAAAAAAA"]
)
def test_every_answer_carries_the_policy(moto_stores, client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    # User bytes come from the media origin, which is never this site's own.
    media = [o for o in directives["img-src"].split() if o.startswith("http")]
    assert media and all("testserver" not in o for o in media)


@pytest.mark.django_db
def test_signed_in_pages_carry_it_too(moto_stores, client, user, make_jpeg):
    from gallery import services

    image = services.image_upload(owner=str(user.pk), data=make_jpeg())
    client.force_login(user)
    for path in ("/", "/upload/", f"/images/{image.id}/"):
        assert "script-src 'self'" in client.get(path)["Content-Security-Policy"], path
