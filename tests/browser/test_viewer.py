"""The detail page's viewer in a real browser: arrow keys, Escape, swipe, full screen,
plain links without JavaScript, on a desktop and a phone; and the photo details."""

import pytest
from django.contrib.auth import get_user_model

from gallery import services
from gallery.tests.test_exif import jpeg_with_exif

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passphrase-42"


def sign_in(page, site):
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "vera")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/")


@pytest.fixture
def three(site, make_jpeg):
    owner = str(get_user_model().objects.create_user("vera", password=PASSWORD).pk)
    oldest = services.image_upload(owner=owner, data=jpeg_with_exif(), title="Oldest")
    middle = services.image_upload(owner=owner, data=make_jpeg(900, 600, (20, 160, 90)), title="Middle")
    newest = services.image_upload(owner=owner, data=make_jpeg(600, 900, (160, 20, 90)), title="Newest")
    return oldest, middle, newest


def swipe(page, selector, dx):
    page.evaluate(
        """([selector, dx]) => {
            const el = document.querySelector(selector);
            const touch = (x) => new Touch({identifier: 1, target: el, clientX: x, clientY: 200});
            el.dispatchEvent(new TouchEvent("touchstart", {touches: [touch(200)], changedTouches: [touch(200)], bubbles: true}));
            el.dispatchEvent(new TouchEvent("touchend", {touches: [], changedTouches: [touch(200 + dx)], bubbles: true}));
        }""",
        [selector, dx],
    )


def test_keys_move_between_images_and_escape_closes(site, page, three):
    oldest, middle, newest = three
    sign_in(page, site)
    page.goto(f"{site}/images/{middle.id}/")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"{site}/images/{oldest.id}/")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"{site}/images/{middle.id}/")

    # typing in a field never moves away
    page.focus("input[name=title]")
    page.keyboard.press("ArrowLeft")
    assert page.url == f"{site}/images/{middle.id}/"

    page.click("#open-viewer")
    page.wait_for_url(f"{site}/images/{middle.id}/?view=1")
    assert page.locator("#viewer-stage img").is_visible()
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"{site}/images/{newest.id}/?view=1")
    assert page.locator("#viewer-prev").count() == 0  # the newest has no newer one
    page.keyboard.press("Escape")
    page.wait_for_url(f"{site}/images/{newest.id}/")


def test_full_screen_button(site, page, three):
    _, middle, _ = three
    sign_in(page, site)
    page.goto(f"{site}/images/{middle.id}/?view=1")
    page.click("#viewer-fullscreen")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.id === 'viewer'")
    assert page.locator("#viewer-fullscreen").inner_text() == "Exit full screen"
    page.click("#viewer-fullscreen")
    page.wait_for_function("!document.fullscreenElement")


def test_swipe_on_a_phone(site, browser, three):
    oldest, middle, newest = three
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, site)
        page.goto(f"{site}/images/{middle.id}/?view=1")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        swipe(page, "#viewer-stage", -120)  # finger to the left: the next (older) image
        page.wait_for_url(f"{site}/images/{oldest.id}/?view=1")
        swipe(page, "#viewer-stage", 120)
        page.wait_for_url(f"{site}/images/{middle.id}/?view=1")
        swipe(page, "#viewer-stage", 20)  # too short: stays
        page.wait_for_timeout(300)
        assert page.url == f"{site}/images/{middle.id}/?view=1"
    finally:
        context.close()


def test_viewer_works_as_plain_links_without_javascript(site, browser, three):
    oldest, middle, _ = three
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site)
        page.goto(f"{site}/images/{middle.id}/")
        page.click("#open-viewer")
        page.click("#viewer-next")
        page.wait_for_url(f"{site}/images/{oldest.id}/?view=1")
        assert page.locator("#viewer-fullscreen").is_hidden()
        page.click("#viewer-close")
        page.wait_for_url(f"{site}/images/{oldest.id}/")
    finally:
        context.close()


def test_detail_page_shows_photo_details(site, page, three):
    oldest, _, _ = three
    sign_in(page, site)
    page.goto(f"{site}/images/{oldest.id}/")
    details = page.locator("#photo-details").inner_text()
    assert "Canon EOS R5" in details and "1/250 s · f/2.8" in details and "2024-05-01 10:20" in details
