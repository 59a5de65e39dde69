"""The share page's viewer keeps the grant of an unlisted link: a visitor who came by the
short link can open the viewer and close it again, without a cookie."""

import re
from html import unescape

import pytest

from gallery import services
from shortlinks import services as links

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlisted(stores, user, make_jpeg):
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(64, 48), visibility="unlisted")
    services.image_moderate(image_id=image.id, action="approve")
    return image


def test_share_viewer_keeps_the_grant_of_an_unlisted_link(client, unlisted):
    image = unlisted
    link = links.shortlink_create_default(image_id=image.id, owner=image.owner)
    share = client.get(f"/s/{link.code}")
    assert share.status_code == 302
    client.cookies.clear()  # a browser that keeps no cookie: the grant is in the query only
    html = client.get(share["Location"]).content.decode()
    viewer_url = html_unescape(
        re.search(r'id="open-viewer"[^>]*?href="([^"]+)"|href="([^"]+)" id="open-viewer"', html)
    )
    assert "g=" in viewer_url and "view=1" in viewer_url
    viewer = client.get(viewer_url)
    assert viewer.status_code == 200
    close = html_unescape(re.search(r'id="viewer-close" href="([^"]+)"', viewer.content.decode()))
    assert client.get(close).status_code == 200 and "view=1" not in close
    client.cookies.clear()
    assert client.get(f"/i/{image.id}/?view=1").status_code == 404  # no grant, no viewer


def html_unescape(match) -> str:
    return unescape(next(g for g in match.groups() if g))
