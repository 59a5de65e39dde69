"""The visitors' viewer in a real browser, at desktop and phone widths: from the public
gallery (arrow keys and swipes walk the public feed, skipping private and unapproved
images), from a share page (one image: full screen and Escape), and as plain links
without JavaScript. Never any photo details."""

import pytest
from django.contrib.auth import get_user_model

from gallery import services
from gallery.tests.test_exif import jpeg_with_exif

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


@pytest.fixture
def feed(site, make_jpeg):
    """Oldest to newest: public (EXIF), private, public (not approved), public. The public
    feed holds only the approved public ones: the first and the last."""
    owner = str(get_user_model().objects.create_user("pia", password="a-long-Passphrase-42").pk)

    def up(title, visibility, approve, data=None):
        image = services.image_upload(
            owner=owner, data=data or make_jpeg(900, 600), title=title, visibility=visibility
        )
        if approve:
            services.image_moderate(image_id=image.id, action="approve")
        return image

    return (
        up("Lake", "public", True, jpeg_with_exif()),
        up("Secret", "private", False),
        up("Waiting", "public", False),
        up("Forest", "public", True),
    )


def context_for(browser, viewport, **options):
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, has_touch=phone, is_mobile=phone, **options)
    context.set_default_timeout(20_000)
    return context


def swipe(page, dx):
    page.evaluate(
        """dx => {
            const el = document.querySelector("#viewer-stage");
            const touch = (x) => new Touch({identifier: 1, target: el, clientX: x, clientY: 200});
            el.dispatchEvent(new TouchEvent("touchstart", {touches: [touch(200)], changedTouches: [touch(200)], bubbles: true}));
            el.dispatchEvent(new TouchEvent("touchend", {touches: [], changedTouches: [touch(200 + dx)], bubbles: true}));
        }""",
        dx,
    )


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_public_gallery_viewer_walks_the_public_feed(site, browser, feed, viewport):
    lake, secret, waiting, forest = feed
    context = context_for(browser, viewport)
    page = context.new_page()
    try:
        page.goto(f"{site}/public/")
        no_sideways_scroll(page)
        # One tab stop per card, and its Report link after it.
        page.focus(f"#public-gallery li[data-image-id='{forest.id}'] .card-link")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className").endswith("report-link")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('li').dataset.imageId") == lake.id
        assert page.evaluate("document.activeElement.className") == "card-link"

        page.click(f"#public-gallery li[data-image-id='{forest.id}'] .card-link")
        page.wait_for_url(f"{site}/public/{forest.id}/")
        assert page.locator("#viewer-stage img").is_visible()
        assert "pia" in page.locator(".viewer-byline").inner_text()
        no_sideways_scroll(page)
        if viewport["width"] < 600:
            swipe(page, -120)  # finger to the left: the next (older) public image
        else:
            page.keyboard.press("ArrowRight")
        page.wait_for_url(f"{site}/public/{lake.id}/")  # Waiting and Secret are skipped
        body = page.locator("body").inner_text()
        assert "Canon" not in body and "f/2.8" not in body and "ISO" not in body
        assert page.locator("#viewer-next").count() == 0  # the oldest public image
        if viewport["width"] < 600:
            swipe(page, 120)
        else:
            page.keyboard.press("ArrowLeft")
        page.wait_for_url(f"{site}/public/{forest.id}/")
        page.keyboard.press("Escape")
        page.wait_for_url(f"{site}/public/")
        for hidden in (secret, waiting):
            assert page.goto(f"{site}/public/{hidden.id}/").status == 404
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_share_page_viewer_is_one_image_with_full_screen_and_escape(site, browser, feed, viewport):
    _, _, _, forest = feed
    context = context_for(browser, viewport)
    page = context.new_page()
    try:
        page.goto(f"{site}/i/{forest.id}/")
        page.click("#open-viewer")
        page.wait_for_url(f"{site}/i/{forest.id}/?view=1")
        assert page.locator("#viewer-stage img").is_visible()
        assert page.locator("#viewer-prev, #viewer-next").count() == 0
        no_sideways_scroll(page)
        page.keyboard.press("ArrowRight")  # no neighbours: stays
        page.wait_for_timeout(300)
        assert page.url == f"{site}/i/{forest.id}/?view=1"
        page.click("#viewer-fullscreen")
        page.wait_for_function("document.fullscreenElement && document.fullscreenElement.id === 'viewer'")
        page.click("#viewer-fullscreen")
        page.wait_for_function("!document.fullscreenElement")
        page.keyboard.press("Escape")
        page.wait_for_url(f"{site}/i/{forest.id}/")
    finally:
        context.close()


def test_public_viewer_works_as_plain_links_without_javascript(site, browser, feed):
    lake, _, _, forest = feed
    context = context_for(browser, VIEWPORTS[1], java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{site}/public/")
        page.click(f"#public-gallery li[data-image-id='{forest.id}'] .card-link")
        page.click("#viewer-next")
        page.wait_for_url(f"{site}/public/{lake.id}/")
        assert page.locator("#viewer-fullscreen").is_hidden()
        page.click("#viewer-prev")
        page.wait_for_url(f"{site}/public/{forest.id}/")
        page.click("#viewer-page")
        page.wait_for_url(f"{site}/i/{forest.id}/")
        page.click("#open-viewer")
        page.click("#viewer-close")
        page.wait_for_url(f"{site}/i/{forest.id}/")
        page.goto(f"{site}/public/")
        page.click(f"#public-gallery li[data-image-id='{forest.id}'] .report-link")
        page.wait_for_url(f"{site}/report/{forest.id}/**")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_visitor_viewer_pages_have_no_serious_accessibility_violations(site, browser, feed, viewport):
    from tests.browser.test_axe import serious

    _, _, _, forest = feed
    context = context_for(browser, viewport)
    page = context.new_page()
    try:
        for path in ("/public/", f"/public/{forest.id}/", f"/i/{forest.id}/", f"/i/{forest.id}/?view=1"):
            page.goto(f"{site}{path}")
            assert serious(page) == [], path
    finally:
        context.close()
