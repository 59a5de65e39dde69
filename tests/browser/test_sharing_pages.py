"""In a real browser: the custom-size form's messages appear next to it (kept values, one
clear error), and the share and public pages name the owner and the date."""

import pytest
from django.contrib.auth import get_user_model

from gallery import services

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passphrase-42"


@pytest.fixture
def shared(site, make_jpeg):
    user = get_user_model().objects.create_user(
        "olga", password=PASSWORD, first_name="Olga", last_name="Berg"
    )
    image = services.image_upload(owner=str(user.pk), data=make_jpeg(1600, 1200), visibility="public")
    services.image_moderate(image_id=image.id, action="approve")  # listed in the public gallery
    return image


def sign_in(page, site):
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/")


def in_viewport(page, selector) -> bool:
    return page.evaluate(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        selector,
    )


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_size_messages_appear_next_to_the_form(site, page, shared, viewport, settings):
    page.set_viewport_size(viewport)
    sign_in(page, site)
    page.goto(f"{site}/images/{shared.id}/")
    page.fill("#size-form input[name=width]", "300")
    page.click("#size-form button[type=submit]")
    message = page.locator("#size-messages .message.success")
    assert message.inner_text() == "Made a 300×225 JPEG."
    assert in_viewport(page, "#size-messages")
    assert page.locator("ul.messages .message").count() == 0

    # The browser itself refuses 99999 (the field's max) and 0 ...
    for value in ("99999", "0"):
        page.fill("#size-form input[name=width]", value)
        page.click("#size-form button[type=submit]")
        assert page.evaluate("document.querySelector('#size-form input[name=width]').validity.valid") is False
        assert page.locator("#size-errors").count() == 0

    # ... and when it does not check (old browsers, scripts), the server says it once, clearly.
    page.evaluate("document.getElementById('size-form').noValidate = true")
    page.fill("#size-form input[name=width]", "99999")
    page.click("#size-form button[type=submit]")
    page.locator("#size-errors").wait_for()
    errors = page.locator("#size-errors p")
    assert errors.all_inner_texts() == [
        f"Width must be a whole number from 1 to {settings.GALLERY_MAX_CUSTOM_SIDE} px."
    ]
    assert page.input_value("#size-form input[name=width]") == "99999"
    page.locator("#size-errors").scroll_into_view_if_needed()
    assert in_viewport(page, "#size-form")


def test_share_and_public_pages_show_owner_and_date(site, page, shared):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/i/{shared.id}/")
    byline = page.locator("#byline").inner_text()
    assert byline.startswith("Shared by Olga Berg · ") and str(shared.created_at.year) in byline
    page.goto(f"{site}/public/")
    assert "by Olga Berg" in page.locator(f".card[data-image-id='{shared.id}']").inner_text()
