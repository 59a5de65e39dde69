"""The gallery in a real browser: the landing page and sign-out confirmation, one tab stop
per card, search and sort, and bulk selection with and without JavaScript."""

import pytest
from django.contrib.auth import get_user_model

from gallery import services

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passphrase-42"


def sign_in(page, site, username="gus"):
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/")


@pytest.fixture
def gallery_of_three(site, make_jpeg):
    user = get_user_model().objects.create_user("gus", password=PASSWORD)
    owner = str(user.pk)
    names = ["Harbour", "Forest", "Harbour at night"]
    made = [
        services.image_upload(owner=owner, data=make_jpeg(400, 300, (40 * i, 90, 160)), title=n)
        for i, n in enumerate(names)
    ]
    return owner, made


def test_landing_page_then_sign_out_with_a_confirmation(site, page, gallery_of_three):
    page.goto(f"{site}/")
    assert page.locator("h1").inner_text().startswith("Keep your photos")
    assert page.locator("main a[href='/accounts/signup/']").is_visible()
    sign_in(page, site)
    assert page.locator("h1").inner_text() == "My gallery"

    page.goto(f"{site}/accounts/logout/")
    assert page.locator("h1").inner_text() == "Sign out?"
    page.click("main button:has-text('Sign out')")
    page.wait_for_url(f"{site}/")
    assert page.locator(".message.success").inner_text() == "You are signed out. See you soon."
    assert page.locator("h1").inner_text().startswith("Keep your photos")


def test_each_card_is_one_tab_stop(site, page, gallery_of_three):
    sign_in(page, site)
    cards = page.locator("#gallery .card")
    assert cards.count() == 3
    cards.nth(0).locator("a").focus()
    for i in (1, 2):
        page.keyboard.press("Tab")
        focused_card = page.evaluate("document.activeElement.closest('.card')?.dataset.imageId")
        assert focused_card == cards.nth(i).get_attribute("data-image-id")
    for i in range(3):
        assert cards.nth(i).locator("a, button, input, select, textarea, [tabindex]").count() == 1


def test_search_and_sort(site, page, gallery_of_three):
    _, made = gallery_of_three
    sign_in(page, site)
    page.fill("input[name=q]", "harbour")
    page.select_option("select[name=sort]", "oldest")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/?q=harbour*")
    page.locator("#gallery").wait_for()
    shown = page.locator("#gallery .card").evaluate_all("cs => cs.map(c => c.dataset.imageId)")
    assert shown == [made[0].id, made[2].id]
    assert page.input_value("input[name=q]") == "harbour"


def test_select_all_and_change_visibility_with_javascript(site, page, gallery_of_three):
    owner, made = gallery_of_three
    sign_in(page, site)
    page.click("#select-mode")
    assert page.locator("#bulk-apply").is_disabled()
    assert page.locator("#select-all-link").is_hidden()
    page.check("#select-all")
    assert page.locator("#selection-count").inner_text() == "3 images selected."
    page.select_option("#bulk-visibility", "public")
    page.click("#bulk-apply")
    assert page.locator(".message.success").inner_text() == "3 images made public."
    assert {services.image_get(image_id=m.id).visibility for m in made} == {"public"}


def test_delete_several_asks_with_the_count(site, page, gallery_of_three):
    owner, made = gallery_of_three
    sign_in(page, site)
    page.click("#select-mode")
    page.check(f".card[data-image-id='{made[0].id}'] input.pick")
    page.check(f".card[data-image-id='{made[1].id}'] input.pick")
    assert page.locator("#selection-count").inner_text() == "2 images selected."
    page.click("#bulk-delete")
    assert page.locator("h1").inner_text() == "Delete 2 images?"
    page.click("#confirm-delete")
    assert page.locator(".message.success").inner_text() == "2 images deleted."
    assert [i.id for i in services.image_list(owner=owner).images] == [made[2].id]


def test_bulk_works_without_javascript(site, browser, gallery_of_three):
    _, made = gallery_of_three
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site)
        page.click("#select-mode")
        assert page.locator("#select-all-label").is_hidden()
        page.click("#select-all-link")
        page.wait_for_url("**select=all*")
        assert page.locator("input.pick:checked").count() == 3
        page.select_option("#bulk-visibility", "unlisted")
        page.click("#bulk-apply")
        assert page.locator(".message.success").inner_text() == "3 images made unlisted."
    finally:
        context.close()
