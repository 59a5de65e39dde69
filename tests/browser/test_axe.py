"""axe-core, run inside chromium, finds no serious or critical accessibility violation on
the main pages, on a desktop and on a 390 px phone."""

import pytest
from django.contrib.auth import get_user_model

from gallery import services

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passphrase-42"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page, site):
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_main_pages_have_no_serious_accessibility_violations(site, page, make_jpeg, viewport):
    user = get_user_model().objects.create_user("ada", password=PASSWORD)
    owner = str(user.pk)
    shared = services.image_upload(
        owner=owner, data=make_jpeg(1200, 800), filename="harbour.jpg", title="Harbour", visibility="public"
    )
    services.image_upload(owner=owner, data=make_jpeg(800, 1200, (20, 120, 60)), filename="forest.jpg")
    page.set_viewport_size(VIEWPORTS[viewport])

    found = {}

    def check(where):
        found[where] = serious(page)
        # and nothing scrolls sideways (on a 390 px phone above all)
        if page.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 0:
            found[where].append("the page scrolls sideways")

    for path in (
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        f"/i/{shared.id}/",
        "/public/",
        "/no-such-page/",
    ):
        page.goto(f"{site}{path}")
        check(f"signed out {path}")

    sign_in(page, site)
    for path in (
        "/",
        "/?select=1",
        "/?q=harbour&sort=oldest",
        f"/images/{shared.id}/",
        f"/images/{shared.id}/?view=1",
        f"/images/{shared.id}/delete/",
        f"/i/{shared.id}/",
        "/public/",
        "/accounts/tokens/",
        "/accounts/logout/",
        "/upload/",
        "/no-such-page/",
    ):
        page.goto(f"{site}{path}")
        check(f"signed in {path}")

    report = [f"{where}: {v}" for where, vs in found.items() for v in vs]
    assert not report, "\n".join(report)
