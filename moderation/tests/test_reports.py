"""Reports: the form and the API, rate limits without in-process state, queue order, dismissal."""

import re

import pytest

from gallery import services as gallery
from gallery.exceptions import ImageNotFound
from moderation import services
from moderation.exceptions import InvalidReason, ReportLimited

pytestmark = pytest.mark.django_db


def test_a_report_puts_the_image_in_the_reported_queue(stores, shared_image):
    image = shared_image()
    result = services.report_create(image_id=image.id, reason="spam", client="192.0.2.1")
    assert result.counted and result.count == 1
    assert gallery.image_get(image_id=image.id).moderation_state == "reported"
    [summary] = services.reports_queue()
    assert summary.image_id == image.id and summary.reasons == {"spam": 1}
    # Post-moderation for reports: an approved image stays listed until a moderator decides.
    assert [i.id for i in gallery.image_list_public().images] == [image.id]


def test_more_reports_raise_an_image_then_the_oldest_comes_first(stores, shared_image):
    old, newer, most = shared_image(title="old"), shared_image(title="newer"), shared_image(title="most")
    services.report_create(image_id=old.id, reason="spam", client="192.0.2.1")
    services.report_create(image_id=newer.id, reason="spam", client="192.0.2.2")
    for n in range(3):
        services.report_create(image_id=most.id, reason="hate", client=f"192.0.2.{10 + n}")
    assert [s.image_id for s in services.reports_queue()] == [most.id, old.id, newer.id]
    assert services.reports_queue()[0].count == 3


def test_the_reported_queue_pages_in_its_order(stores, shared_image):
    from gallery.exceptions import InvalidCursor

    images = [shared_image(title=f"n{i}") for i in range(5)]
    for n, image in enumerate(images):  # image i gets i+1 reports: the last is the most reported
        for k in range(n + 1):
            services.report_create(image_id=image.id, reason="spam", client=f"192.0.2.{10 * n + k}")
    seen, cursor = [], None
    while True:
        page, cursor = services.reports_queue_page(cursor=cursor, limit=2)
        seen.append([s.image_id for s in page])
        if cursor is None:
            break
    assert seen == [[images[4].id, images[3].id], [images[2].id, images[1].id], [images[0].id]]
    for bad in ("x", "%%", "MDAwMDAx", "A" * 300):
        with pytest.raises(InvalidCursor):
            services.reports_queue_page(cursor=bad)


def test_the_reported_queue_page_links_to_the_next(stores, mod_client, shared_image, monkeypatch):
    from html import unescape

    from moderation import admin_views

    monkeypatch.setattr(admin_views, "QUEUE_PAGE", 1)
    once, twice = shared_image(title="Reported once"), shared_image(title="Reported twice")
    services.report_create(image_id=once.id, reason="spam", client="192.0.2.1")
    for n in range(2):
        services.report_create(image_id=twice.id, reason="spam", client=f"192.0.2.{20 + n}")
    first = mod_client.get("/admin/moderation/?state=reported").content.decode()
    assert "Reported twice" in first and "Reported once" not in first
    older = unescape(re.search(r'<a href="([^"]+)">Older', first).group(1))
    second = mod_client.get(f"/admin/moderation/{older}").content.decode()
    assert "Reported once" in second and "Reported twice" not in second and "Older" not in second
    bad = mod_client.get("/admin/moderation/?state=reported&cursor=%25%25")
    assert bad.status_code == 302 and bad["Location"].endswith("?state=reported")


def test_rank_sorts_by_count_then_age():
    from datetime import UTC, datetime

    earlier, later = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    from moderation.services.reports import rank

    ranks = sorted([rank(1, later), rank(2, later), rank(1, earlier), rank(10, later)], reverse=True)
    assert ranks == [rank(10, later), rank(2, later), rank(1, earlier), rank(1, later)]


def test_one_reporter_counts_once(stores, user, shared_image):
    image = shared_image()
    services.report_create(image_id=image.id, reason="spam", client="192.0.2.1")
    again = services.report_create(image_id=image.id, reason="hate", client="192.0.2.1")
    assert not again.counted and again.count == 1
    assert services.report_create(image_id=image.id, reason="hate", reporter=str(user.pk)).counted


def test_reports_are_limited_per_client_and_per_image(stores, settings, shared_image):
    settings.MODERATION_REPORTS_PER_CLIENT = 2
    settings.MODERATION_REPORTS_PER_IMAGE = 3
    images = [shared_image(title=str(n)) for n in range(3)]
    services.report_create(image_id=images[0].id, reason="spam", client="192.0.2.1")
    services.report_create(image_id=images[1].id, reason="spam", client="192.0.2.1")
    with pytest.raises(ReportLimited) as limited:
        services.report_create(image_id=images[2].id, reason="spam", client="192.0.2.1")
    assert 0 < limited.value.retry_after <= settings.MODERATION_REPORT_WINDOW

    for n in range(2, 4):
        services.report_create(image_id=images[2].id, reason="spam", client=f"192.0.2.{n}")
    services.report_create(image_id=images[2].id, reason="spam", client="192.0.2.9")
    with pytest.raises(ReportLimited):
        services.report_create(image_id=images[2].id, reason="spam", client="192.0.2.10")


def test_only_visible_images_can_be_reported(stores, user, make_jpeg, shared_image):
    private = gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))
    hidden = shared_image()
    gallery.image_moderate(image_id=hidden.id, action="hide")
    for image_id in (private.id, hidden.id, "no-such-image", "x" * 500):
        with pytest.raises(ImageNotFound):
            services.report_create(image_id=image_id, reason="spam", client="192.0.2.1")
    with pytest.raises(InvalidReason):
        services.report_create(image_id=shared_image().id, reason="boring", client="192.0.2.1")


def test_dismissing_reports_clears_the_queue(stores, mod_client, shared_image):
    image = shared_image()
    services.report_create(image_id=image.id, reason="spam", client="192.0.2.1")
    page = mod_client.get("/admin/moderation/?state=reported").content.decode()
    assert image.id in page and "spam" in page
    mod_client.post(
        "/admin/moderation/?state=reported",
        {"action": "dismiss", "reason": "report_unfounded", "selected": [image.id]},
    )
    assert services.reports_queue() == []
    after = gallery.image_get(image_id=image.id)
    assert after.moderation_state is None and not after.hidden
    assert [e.action for e in services.audit_history(image_id=image.id)] == ["dismiss"]


@pytest.mark.parametrize(
    "action, reason, stays", [("dismiss", "report_unfounded", True), ("takedown", "spam", False)]
)
def test_a_report_that_comes_in_while_deciding(
    stores, moderator, shared_image, monkeypatch, action, reason, stays
):
    """Dismissing answers the reports the moderator saw: one made meanwhile keeps the image
    in the queue (and dismissable again). A takedown answers them all."""
    image = shared_image()
    services.report_create(image_id=image.id, reason="spam", client="192.0.2.1")
    real = gallery.image_moderate

    def decide_while_someone_reports(**kwargs):
        monkeypatch.setattr(gallery, "image_moderate", real)
        services.report_create(image_id=image.id, reason="hate", client="192.0.2.2")
        return real(**kwargs)

    monkeypatch.setattr(gallery, "image_moderate", decide_while_someone_reports)
    services.image_decide(image_id=image.id, action=action, reason=reason, actor=moderator)
    queue = services.reports_queue()
    if stays:
        assert [(s.image_id, s.count) for s in queue] == [(image.id, 2)]
        assert gallery.image_get(image_id=image.id).moderation_state == "reported"
        services.image_decide(image_id=image.id, action="dismiss", reason=reason, actor=moderator)
    assert services.reports_queue() == []


def test_report_form_for_visitors(stores, client, shared_image):
    image = shared_image()
    assert "Report this image" in client.get(f"/i/{image.id}/").content.decode()
    assert f"/report/{image.id}/" in client.get("/public/").content.decode()
    response = client.post(f"/report/{image.id}/", {"reason": "violence", "note": "gore"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert services.reports_list(image_id=image.id)[0].note == "gore"
    assert client.post(f"/report/{image.id}/", {"reason": "nope"}).status_code == 400
    assert client.post("/report/missing/", {"reason": "spam"}).status_code == 404


def test_report_form_answers_429_with_retry_after(stores, client, settings, shared_image):
    settings.MODERATION_REPORTS_PER_CLIENT = 1
    first, second = shared_image(), shared_image()
    client.post(f"/report/{first.id}/", {"reason": "spam"})
    response = client.post(f"/report/{second.id}/", {"reason": "spam"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_api_report(stores, client, user, other_user, shared_image, make_jpeg, settings):
    from accounts.services import token_create

    headers = {"Authorization": f"Bearer {token_create(user=other_user, name='t').token}"}
    image = shared_image()
    url = f"/api/v1/images/{image.id}/reports"

    def post(body, path=url, raw=None):
        import json

        return client.post(path, raw or json.dumps(body), content_type="application/json", headers=headers)

    created = post({"reason": "copyright", "note": "my photo"})
    assert created.status_code == 201 and created.json() == {
        "image_id": image.id,
        "counted": True,
        "status": "reported",
    }
    assert post({"reason": "copyright"}).status_code == 202
    assert post({"reason": "bad"}).status_code == 400
    assert post({"reason": "spam", "note": "x" * 5000}).status_code == 400
    assert post(None, raw="[1]").status_code == 400
    assert post({"reason": "spam"}, path="/api/v1/images/nope/reports").status_code == 404
    private = gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))
    assert post({"reason": "spam"}, path=f"/api/v1/images/{private.id}/reports").status_code == 404
    assert client.post(url, "{}", content_type="application/json").status_code == 401

    settings.MODERATION_REPORTS_PER_CLIENT = 2
    limited = post({"reason": "spam"}, path=f"/api/v1/images/{shared_image().id}/reports")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited.json()["error"] == "too_many_reports"


def test_api_report_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/images/{image_id}/reports"]["post"]
    assert {"201", "202", "404", "429"} <= set(operation["responses"])
