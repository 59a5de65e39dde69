"""The upload page sends files straight to the (local) bucket: a progress bar per file,
a running count, then "Processing…", then the thumbnail, without reloading; a refused
file says why; nothing is left under uploads/ afterwards."""

import io

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _jpeg(path, size, color):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", quality=95)
    path.write_bytes(buf.getvalue())
    return str(path)


@pytest.fixture
def signed_in(site, page, django_user_model):
    django_user_model.objects.create_user(username="erin", password="a-long-Passphrase-42")
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "erin")
    page.fill("input[name=password]", "a-long-Passphrase-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/")
    return page


def test_several_files_go_to_the_bucket_with_progress_and_a_summary(site, signed_in, tmp_path):
    from gallery import storage

    page = signed_in
    requests_to_bucket = []
    page.on(
        "request",
        lambda r: (
            requests_to_bucket.append(r.url) if r.method == "POST" and "/upload/" not in r.url else None
        ),
    )
    page.goto(f"{site}/upload/")
    # record every text the running count shows
    page.evaluate(
        """() => { window.__counts = []; const s = document.getElementById('upload-summary');
        new MutationObserver(() => window.__counts.push(s.textContent)).observe(s, {childList: true, characterData: true, subtree: true}); }"""
    )
    bad = tmp_path / "notes.jpg"
    bad.write_text("<html>not a photo</html>" * 50)
    files = [
        _jpeg(tmp_path / "one.jpg", (2400, 1600), (30, 90, 200)),
        _jpeg(tmp_path / "two.jpg", (1600, 1200), (220, 140, 30)),
        _jpeg(tmp_path / "three.jpg", (900, 900), (20, 160, 60)),
        str(bad),
    ]
    page.set_input_files("#file-input", files)
    assert page.locator(".upload-item progress").count() == 4
    summary = page.locator("#upload-summary")
    summary.filter(has_text="Done:").wait_for(timeout=90_000)
    assert summary.inner_text() == "Done: 4 files · 3 ready · 1 refused."
    counts = page.evaluate("window.__counts")
    assert any(c.startswith("Uploading 1 of 4") for c in counts), counts
    assert page.locator(".upload-item.ok img").count() == 3
    refused = page.locator(".upload-item.failed .state").inner_text()
    assert refused.startswith("Refused:") and "not a picture" in refused
    # the bytes went to the bucket's own origin, not through the site
    assert len(requests_to_bucket) == 4 and all(
        u.startswith(storage.media_storage().endpoint_url) for u in requests_to_bucket
    )
    assert storage.list_keys("uploads/") == []
    # the thumbnails load, and the detail page of one opens from its link
    img = page.locator(".upload-item.ok img").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    page.locator(".upload-item.ok a").first.click()
    page.wait_for_url(f"{site}/images/**")


def test_a_queued_file_can_be_cancelled_and_tried_again(site, signed_in, tmp_path):
    page = signed_in
    page.goto(f"{site}/upload/")
    # hold the bucket's answers so files stay in the queue
    held = []
    page.route("**/test-gallery-*", lambda route: held.append(route))
    files = [_jpeg(tmp_path / f"f{i}.jpg", (300, 300), (i * 40, 80, 120)) for i in range(5)]
    page.set_input_files("#file-input", files)
    last = page.locator(".upload-item").nth(4)
    last.get_by_role("button", name="Cancel f4.jpg").click()
    assert last.locator(".state").inner_text() == "Cancelled."
    page.unroute("**/test-gallery-*")
    for route in held:
        route.continue_()
    page.locator("#upload-summary").filter(has_text="Done:").wait_for(timeout=60_000)
    assert page.locator("#upload-summary").inner_text() == "Done: 5 files · 4 ready · 1 cancelled."
    last.get_by_role("button", name="Try f4.jpg again").click()
    page.locator("#upload-summary").filter(has_text="5 ready").wait_for(timeout=60_000)
    assert page.locator(".upload-item.ok").count() == 5


def test_leaving_while_files_upload_asks_first(site, signed_in, tmp_path):
    page = signed_in
    page.goto(f"{site}/upload/")
    page.route("**/test-gallery-*", lambda route: None)  # the bucket never answers
    page.set_input_files("#file-input", [_jpeg(tmp_path / "slow.jpg", (300, 300), (9, 9, 9))])
    page.locator(".upload-item .state").filter(has_text="Uploading").wait_for()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.evaluate("() => { window.location.href = '/'; }")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_uploading_on_a_phone_fits_the_screen(site, signed_in, tmp_path):
    """At 390 px (a touch screen, as phones are): the queue with long file names, its
    progress bars and the thumbnails stay inside the screen, and the upload finishes."""
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/upload/")
    long_name = "holiday-2026-harbour-at-dawn-from-the-lighthouse-steps-IMG_20260801_061502.jpg"
    files = [
        _jpeg(tmp_path / long_name, (3000, 2000), (40, 80, 160)),
        _jpeg(tmp_path / "portrait.jpg", (1200, 1800), (160, 80, 40)),
    ]
    page.set_input_files("#file-input", files)
    summary = page.locator("#upload-summary")
    summary.filter(has_text="Done:").wait_for(timeout=90_000)
    assert summary.inner_text() == "Done: 2 files · 2 ready."
    assert page.locator(".upload-item.ok img").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    for item in page.locator(".upload-item").all():
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
