"""The takedown, end to end in a real browser: a visitor reports an image, a moderator
finds it first in the reported queue, takes it down with a reason, the public link stops
working and the audit log shows the decision."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from gallery import services as gallery
from moderation import services as moderation

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-Passphrase-42"


def moderators_group() -> Group:
    """The data migration's group (a transactional test's flush removes it)."""
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        Permission.objects.filter(codename__in=["moderate_images", "ban_users", "view_auditlog", "view_user"])
    )
    return group


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_visitor_reports_and_moderator_takes_it_down(site, page, make_jpeg):
    User = get_user_model()
    owner = User.objects.create_user("olga", password=PASSWORD)
    moderator = User.objects.create_user("mona", password=PASSWORD, is_staff=True)
    moderator.groups.add(moderators_group())
    images = {}
    for title in ("Older report", "Reported twice"):
        image = gallery.image_upload(
            owner=str(owner.pk), data=make_jpeg(800, 600), visibility="public", title=title
        )
        gallery.image_moderate(image_id=image.id, action="approve")
        images[title] = gallery.image_get(image_id=image.id)
    moderation.report_create(image_id=images["Older report"].id, reason="spam", client="198.51.100.1")
    target = images["Reported twice"]
    moderation.report_create(image_id=target.id, reason="copyright", client="198.51.100.2")
    link = f"{site}/s/{target.short_code}"

    # An anonymous visitor follows the public link and reports the image.
    assert page.goto(link).status == 200
    page.click("#report summary")
    page.select_option("#report select[name=reason]", "copyright")
    page.fill("#report textarea[name=note]", "This is my photograph.")
    page.click("#report button[type=submit]")
    assert "Thank you" in page.locator(".message").inner_text()

    # A moderator signs in to the admin and finds it first in the reported queue.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/admin/")
    page.fill("input[name=username]", "mona")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.click("text=Reported images")
    first = page.locator("#result_list tbody tr").first
    assert first.get_attribute("data-image-id") == target.id
    assert first.locator(".report-count").inner_text() == "2"
    assert overflow(page) <= 0

    # ... and takes it down with a reason.
    first.locator("a", has_text="Reported twice").click()
    page.select_option("select[name=action]", "takedown")
    page.select_option("select[name=reason]", "copyright")
    page.fill("textarea[name=note]", "Owner of the rights wrote in.")
    page.click(".moderation-actions button[type=submit]")
    assert "1 image taken down." in page.locator(".messagelist").inner_text()
    assert "/renditions/" in page.locator("#invalidations").inner_text()
    assert overflow(page) <= 0

    # The public link stops working, for anyone.
    visitor = page.context.browser.new_context()
    try:
        assert visitor.new_page().goto(link).status == 404
    finally:
        visitor.close()

    # The audit log shows the decision.
    page.goto(f"{site}/admin/moderation/audit/")
    row = page.locator("#audit-log tbody tr").first
    text = row.inner_text()
    assert "takedown" in text and "copyright" in text and "mona" in text and target.id in text
    assert overflow(page) <= 0
