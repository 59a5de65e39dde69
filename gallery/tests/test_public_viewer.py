"""The viewer for visitors: the public gallery's (previous and next walk the public feed,
its sparse index) and the share page's (one image, no neighbours). Never anything of a
private or unapproved image, never photo details."""

import pytest

from gallery import services
from gallery.exceptions import ImageNotFound
from gallery.tests.test_exif import jpeg_with_exif

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(stores, user, make_jpeg):
    """Oldest to newest: public+approved (with EXIF), private, public unapproved,
    unlisted+approved, public+approved. Only the first and last are in the public feed."""
    owner = str(user.pk)

    def up(visibility, approve, data=None):
        image = services.image_upload(owner=owner, data=data or make_jpeg(64, 48), visibility=visibility)
        if approve:
            services.image_moderate(image_id=image.id, action="approve")
        return image

    return [
        up("public", True, jpeg_with_exif()),
        up("private", False),
        up("public", False),
        up("unlisted", True),
        up("public", True),
    ]


def test_public_neighbours_skip_images_outside_the_public_feed(feed):
    first, *_, last = feed
    assert services.image_neighbours_public(image=last) == (None, first.id)
    assert services.image_neighbours_public(image=first) == (last.id, None)


def test_image_get_public_refuses_anything_not_in_the_public_gallery(feed):
    assert services.image_get_public(image_id=feed[0].id).id == feed[0].id
    for image in feed[1:4]:
        with pytest.raises(ImageNotFound):
            services.image_get_public(image_id=image.id)
    with pytest.raises(ImageNotFound):
        services.image_get_public(image_id="nonexistent")


def test_public_viewer_page_walks_the_feed_and_shows_no_photo_details(client, feed):
    first, *_, last = feed
    html = client.get(f"/public/{last.id}/").content.decode()
    assert f'href="/public/{first.id}/"' in html and 'id="viewer-prev"' not in html
    assert 'id="viewer-close" href="/public/"' in html
    assert f'href="/i/{last.id}/"' in html
    html = client.get(f"/public/{first.id}/").content.decode()
    assert f'id="viewer-prev" rel="prev" href="/public/{last.id}/"' in html
    assert "Canon" not in html and "EOS" not in html and "f/2.8" not in html
    for image in feed[1:4]:
        response = client.get(f"/public/{image.id}/")
        assert response.status_code == 404 and image.id not in response.content.decode()


def test_public_gallery_card_is_one_link_to_the_viewer_and_keeps_report(client, feed):
    html = client.get("/public/").content.decode()
    assert html.count(f'href="/public/{feed[0].id}/"') == 1
    assert f'href="/i/{feed[0].id}/"' not in html  # the viewer links to the image page
    assert html.count("report-link") == 2  # both public images keep their Report link


def test_share_page_viewer_is_one_image_with_close(client, feed):
    image = feed[-1]
    page = client.get(f"/i/{image.id}/").content.decode()
    assert f'href="/i/{image.id}/?view=1"' in page
    html = client.get(f"/i/{image.id}/?view=1").content.decode()
    assert 'id="viewer-stage"' in html and f'id="viewer-close" href="/i/{image.id}/"' in html
    assert "viewer-prev" not in html and "viewer-next" not in html


def test_share_viewer_of_a_private_image_is_404(client, feed):
    assert client.get(f"/i/{feed[1].id}/?view=1").status_code == 404
