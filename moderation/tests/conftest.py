import pytest
from django.contrib.auth.models import Group
from django.test import Client

from gallery import services as gallery

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(username="mod", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def mod_client(moderator):
    """A moderator's browser, apart from ``client`` (a visitor, or the owner)."""
    browser = Client()
    browser.force_login(moderator)
    return browser


@pytest.fixture
def shared_image(user, make_jpeg):
    """A ready image of alice's, public (or as asked), approved unless approved=False."""

    def make(visibility="public", approved=True, title="Beach"):
        image = gallery.image_upload(
            owner=str(user.pk), data=make_jpeg(64, 48), visibility=visibility, title=title
        )
        if approved:
            gallery.image_moderate(image_id=image.id, action="approve")
        return gallery.image_get(image_id=image.id)

    return make


@pytest.fixture(autouse=True)
def one_report_window(monkeypatch, settings):
    """Report rate limits count per fixed window (MODERATION_REPORT_WINDOW): a test that
    counts reports must not straddle two windows, so the window stands still (its middle)."""
    from moderation.services import reports

    size = settings.MODERATION_REPORT_WINDOW
    window = int(reports.now().timestamp()) // size
    monkeypatch.setattr(reports, "_window", lambda: (window, size // 2))
