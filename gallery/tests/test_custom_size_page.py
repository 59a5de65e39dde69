"""The "change resolution" form: one clear error next to the form, typed values kept;
and the share and public pages name the owner and the date."""

import re

import pytest

from gallery import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(stores, user, make_jpeg):
    return services.image_upload(owner=str(user.pk), data=make_jpeg(800, 600), visibility="public")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def errors_of(page: str) -> list[str]:
    box = re.search(r'<div class="message error" id="size-errors">(.*?)</div>', page, re.S)
    return re.findall(r"<p>(.*?)</p>", box.group(1)) if box else []


@pytest.mark.parametrize("width", ["0", "99999", "-5", "abc", "1e3"])
def test_out_of_range_or_not_a_number_gives_one_clear_error(signed_in, image, settings, width):
    response = signed_in.post(f"/images/{image.id}/sizes/", {"width": width, "mode": "fit", "format": "jpeg"})
    page = response.content.decode()
    assert response.status_code == 400
    assert errors_of(page) == [
        f"Width must be a whole number from 1 to {settings.GALLERY_MAX_CUSTOM_SIDE} px."
    ]
    assert f'value="{width}"' in page  # what was typed is still there


def test_no_side_and_fill_without_both(signed_in, image):
    page = signed_in.post(f"/images/{image.id}/sizes/", {"mode": "fit", "format": "jpeg"}).content.decode()
    assert errors_of(page) == ["Give a width, a height, or both."]
    page = signed_in.post(
        f"/images/{image.id}/sizes/", {"width": "300", "mode": "fill", "format": "jpeg"}
    ).content.decode()
    assert errors_of(page) == ["Fill needs both a width and a height."]


def test_success_message_is_next_to_the_form_not_at_the_top(signed_in, image):
    response = signed_in.post(
        f"/images/{image.id}/sizes/", {"width": "300", "mode": "fit", "format": "webp"}, follow=True
    )
    page = response.content.decode()
    top = page.split('<main class="container" id="main">', 1)[1].split("</ul>", 1)[0]
    assert "Made a 300×225 WEBP." not in top
    sizes = page.split('id="size-messages"', 1)[1].split("</div>", 1)[0]
    assert "Made a 300×225 WEBP." in sizes


def test_other_messages_stay_at_the_top(signed_in, image):
    page = signed_in.post(f"/images/{image.id}/edit/", {"title": "T", "visibility": "public"}, follow=True)
    assert '<li class="message success">Saved.</li>' in page.content.decode()


def test_share_and_public_pages_name_the_owner_and_date(client, image, user):
    user.first_name, user.last_name = "Alice", "Liddell"
    user.save()
    share = client.get(f"/i/{image.id}/").content.decode()
    assert "Shared by <strong>Alice Liddell</strong>" in share
    assert image.created_at.strftime("%Y-%m-%d") in share
    services.image_moderate(image_id=image.id, action="approve")
    assert "by Alice Liddell" in client.get("/public/").content.decode()


def test_owner_name_falls_back_to_the_username(client, image, user):
    assert "Shared by <strong>alice</strong>" in client.get(f"/i/{image.id}/").content.decode()
