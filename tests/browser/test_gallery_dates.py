"""The owner's gallery by dates in a real browser, at desktop and phone widths: upload
days from / to (paging keeps them), and the order of the date taken, which says how many
photos have no date taken and links back to the upload order."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from gallery import services
from gallery.models import ImageItem
from gallery.tests.test_exif import jpeg_with_exif

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passphrase-42"
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


@pytest.fixture
def photos(site, make_jpeg):
    """Titles and (uploaded, taken): A (10 Jan 2025, 2019), B (15 Feb 2025, none),
    C (20 Feb 2025, 2024), D (20 Mar 2025, 2021)."""
    owner = str(get_user_model().objects.create_user("tess", password=PASSWORD).pk)
    plan = [
        ("A", datetime(2025, 1, 10, 9, tzinfo=UTC), jpeg_with_exif(DateTimeOriginal="2019:06:01 12:00:00")),
        ("B", datetime(2025, 2, 15, 9, tzinfo=UTC), make_jpeg(640, 480)),
        ("C", datetime(2025, 2, 20, 9, tzinfo=UTC), jpeg_with_exif(DateTimeOriginal="2024:06:01 12:00:00")),
        ("D", datetime(2025, 3, 20, 9, tzinfo=UTC), jpeg_with_exif(DateTimeOriginal="2021:06:01 12:00:00")),
    ]
    for title, uploaded, data in plan:
        image = services.image_upload(owner=owner, data=data, title=title)
        item = ImageItem.get(image.id, consistent_read=True)
        item.created_at = uploaded
        item.save()


def open_gallery(browser, site, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "tess")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/")
    return context, page


def titles(page) -> list[str]:
    return page.locator("#gallery .card-title").all_inner_texts()


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_filter_by_upload_days_and_page_through_them(site, browser, photos, settings, viewport):
    settings.GALLERY_PAGE_SIZE = 1
    context, page = open_gallery(browser, site, viewport)
    try:
        page.fill("input[name=uploaded_from]", "2025-02-01")
        page.fill("input[name=uploaded_to]", "2025-03-01")
        no_sideways_scroll(page)
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**uploaded_from=2025-02-01**")
        assert titles(page) == ["C"]
        page.click(".pager a[rel=next]")
        page.wait_for_url("**cursor=**")
        assert titles(page) == ["B"]
        assert page.locator(".pager a[rel=next]").count() == 0  # A and D are outside those days
        assert page.input_value("input[name=uploaded_from]") == "2025-02-01"
        page.click("form.filters >> text=Clear")
        page.wait_for_url(f"{site}/")
        assert titles(page) == ["D"]
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_sort_by_date_taken_says_what_it_leaves_out(site, browser, photos, viewport):
    context, page = open_gallery(browser, site, viewport)
    try:
        page.select_option("select[name=sort]", "taken_newest")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**sort=taken_newest**")
        assert titles(page) == ["C", "D", "A"]
        assert (
            page.locator("#without-date")
            .inner_text()
            .startswith("1 photo without a date taken is not shown in this order.")
        )
        no_sideways_scroll(page)
        page.select_option("select[name=sort]", "taken_oldest")
        page.fill("input[name=uploaded_from]", "2025-02-01")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**sort=taken_oldest**")
        assert titles(page) == ["D", "C"]  # A was uploaded in January
        page.click("#sort-by-upload")
        page.wait_for_url("**uploaded_from=2025-02-01")
        assert titles(page) == ["D", "C", "B"]
        assert page.locator("#without-date").count() == 0
    finally:
        context.close()
