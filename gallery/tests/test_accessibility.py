"""Pages people reach by keyboard and screen reader: skip link, alt text never the file name,
the alt text not repeated on screen."""

import pytest
from django.test import Client

from gallery import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(stores, user, make_jpeg):
    return services.image_upload(
        owner=str(user.pk), data=make_jpeg(120, 90), filename="IMG_20261128_0001.jpg", visibility="public"
    )


def test_every_page_starts_with_a_skip_link_to_main(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<a class="skip-link" href="#main">' in page and 'id="main"' in page


def test_alt_text_is_never_the_file_name(image, client, user):
    client.force_login(user)
    for path in ("/", f"/images/{image.id}/"):
        page = client.get(path).content.decode()
        assert "IMG_20261128_0001" not in page.split("<img", 1)[-1].split(">", 1)[0], path
    shared = Client().get(f"/i/{image.id}/").content.decode()
    assert 'alt="IMG_20261128_0001' not in shared


def test_the_share_page_does_not_repeat_the_alt_text_on_screen(image, user):
    services.image_update(image_id=image.id, owner=str(user.pk), alt_text="Boats in morning fog")
    page = Client().get(f"/i/{image.id}/").content.decode()
    body = page.split("</head>", 1)[1]
    assert body.count("Boats in morning fog") == 1 and 'alt="Boats in morning fog"' in body
