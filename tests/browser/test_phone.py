"""On a 390 px phone, the detail page and the admin moderation queue never scroll sideways."""

import pytest
from django.contrib.auth import get_user_model

from gallery import services

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def sign_in(page, site, username, password):
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_detail_page_and_admin_queue_fit_a_phone(site, page, make_jpeg):
    User = get_user_model()
    User.objects.create_user("phoebe", password="a-long-Passphrase-42")
    User.objects.create_superuser("mod", password="a-long-Passphrase-42")
    owner = str(User.objects.get(username="phoebe").pk)
    image = services.image_upload(owner=owner, data=make_jpeg(2400, 1600), visibility="public")
    services.rendition_create(image_id=image.id, owner=owner, width=1234, height=987, mode="fill")
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, site, "phoebe", "a-long-Passphrase-42")
    page.goto(f"{site}/images/{image.id}/")
    assert page.locator("#sizes, table").first.is_visible()
    assert overflow(page) <= 0

    page.context.clear_cookies()
    page.goto(f"{site}/admin/login/")
    page.fill("input[name=username]", "mod")
    page.fill("input[name=password]", "a-long-Passphrase-42")
    page.click("input[type=submit]")
    page.goto(f"{site}/admin/moderation/?state=pending_review")
    assert page.locator("#result_list").is_visible()
    assert overflow(page) <= 0
