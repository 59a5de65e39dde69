"""A person signs up, uploads two photos through the page, sees both thumbnails, deletes one."""

import io
from pathlib import Path

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHOTOS = Path(__file__).resolve().parents[2] / "gallery" / "tests" / "photos"


def two_photos(tmp_path) -> list[Path]:
    """Two real photos from the fixtures (JPEGs), or made ones if the fixtures are absent."""
    real = sorted(p for p in PHOTOS.glob("*.jpg") if "cmyk" not in p.name)[:2] if PHOTOS.exists() else []
    if len(real) == 2:
        return real
    made = []
    for i, color in enumerate([(30, 90, 200), (220, 140, 30)]):
        path = tmp_path / f"made{i}.jpg"
        buf = io.BytesIO()
        Image.new("RGB", (1200, 800), color).save(buf, "JPEG")
        path.write_bytes(buf.getvalue())
        made.append(path)
    return made


def test_sign_up_upload_two_photos_see_thumbnails_and_delete_one(site, page, tmp_path):
    page.goto(f"{site}/accounts/signup/")
    page.fill("input[name=username]", "dana")
    page.fill("input[name=password1]", "a-long-Passphrase-42")
    page.fill("input[name=password2]", "a-long-Passphrase-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/upload/")

    photos = two_photos(tmp_path)
    page.set_input_files("#file-input", [str(p) for p in photos])
    # each file gets its own progress bar and, without a reload, its result
    ready = page.locator(".upload-item.ok")
    ready.nth(1).wait_for(timeout=60_000)
    assert ready.count() == 2
    assert page.locator(".upload-item.failed").count() == 0
    assert page.locator(".upload-item.ok img").count() == 2

    page.goto(f"{site}/")
    cards = page.locator("#gallery .card")
    assert cards.count() == 2
    thumbs = page.locator("#gallery .card img")
    for i in range(2):
        thumbs.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumbs.nth(i).element_handle()
        )
        assert thumbs.nth(i).evaluate("img => img.naturalWidth") > 0

    cards.first.locator("a.card-link").click()
    page.click("text=Delete image…")
    page.click("text=Yes, delete it")
    page.wait_for_url(f"{site}/")
    assert page.locator(".message.success").inner_text().startswith("Deleted")
    assert page.locator("#gallery .card").count() == 1


def test_refused_file_shows_the_reason_on_the_upload_page(site, page, tmp_path, client, django_user_model):
    django_user_model.objects.create_user(username="erin", password="a-long-Passphrase-42")
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "erin")
    page.fill("input[name=password]", "a-long-Passphrase-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/")
    bogus = tmp_path / "holiday.jpg"
    bogus.write_text("this is not a photo")
    page.goto(f"{site}/upload/")
    page.set_input_files("#file-input", str(bogus))
    failed = page.locator(".upload-item.failed")
    failed.wait_for()
    assert "Accepted formats: JPEG" in failed.inner_text()
