"""The moderation screens in the admin: queues, decisions with reasons, history, audit log."""

import csv
import io

import pytest

from gallery import services as gallery
from moderation import services

pytestmark = pytest.mark.django_db


def decide(client, image_id, action, reason="spam", note=""):
    return client.post(
        f"/admin/moderation/{image_id}/", {"action": action, "reason": reason, "note": note}, follow=True
    )


def test_shared_images_wait_for_review_and_private_ones_do_not(stores, user, make_jpeg):
    shared = gallery.image_upload(owner=str(user.pk), data=make_jpeg(), visibility="unlisted")
    gallery.image_upload(owner=str(user.pk), data=make_jpeg())
    assert [i.id for i in gallery.image_list_moderation(state="pending_review").images] == [shared.id]


def test_hide_selected_from_the_queue_asks_a_reason_and_is_audited(
    stores, mod_client, moderator, shared_image
):
    image = shared_image(approved=False)
    page = mod_client.get("/admin/moderation/").content.decode()
    assert "Beach" in page and "alice" in page

    refused = mod_client.post(
        "/admin/moderation/?state=pending_review", {"action": "hide", "selected": [image.id]}, follow=True
    )
    assert "Choose a reason" in refused.content.decode()
    assert not gallery.image_get(image_id=image.id).hidden

    response = mod_client.post(
        "/admin/moderation/?state=pending_review",
        {"action": "hide", "selected": [image.id], "reason": "nudity", "note": "=cmd"},
        follow=True,
    )
    assert "1 image hidden." in response.content.decode()
    hidden = gallery.image_get(image_id=image.id)
    assert hidden.hidden and hidden.moderation_state == "hidden"
    assert [i.id for i in gallery.image_list_moderation(state="hidden").images] == [image.id]
    [entry] = services.audit_history(image_id=image.id)
    assert (entry.action, entry.reason, entry.note, entry.actor) == (
        "hide",
        "nudity",
        "=cmd",
        str(moderator.pk),
    )
    assert (
        entry.before["moderation_state"] == "pending_review" and entry.after["moderation_state"] == "hidden"
    )


def test_approve_lists_it_publicly_and_restore_shows_a_hidden_image(stores, mod_client, shared_image):
    image = shared_image(approved=False)
    assert gallery.image_list_public().images == []  # pre-moderation
    decide(mod_client, image.id, "approve", "within_rules")
    assert [i.id for i in gallery.image_list_public().images] == [image.id]
    decide(mod_client, image.id, "hide")
    assert gallery.image_list_public().images == []
    decide(mod_client, image.id, "restore", "appeal_granted")
    restored = gallery.image_get(image_id=image.id)
    assert not restored.hidden and restored.moderation_state is None
    assert [e.action for e in services.audit_history(image_id=image.id)] == ["restore", "hide", "approve"]


def test_image_page_shows_history_reports_and_invalidations(stores, mod_client, shared_image):
    image = shared_image()
    services.report_create(image_id=image.id, reason="hate", note="slur in caption", client="192.0.2.1")
    decide(mod_client, image.id, "takedown", "hate", "confirmed")
    page = mod_client.get(f"/admin/moderation/{image.id}/").content.decode()
    assert "takedown" in page and "confirmed" in page and "slur in caption" in page
    assert f"/renditions/{image.id}/*" in page and "requested" in page


def test_quarantined_queue_shows_the_reason_and_no_file(stores, mod_client, shared_image, monkeypatch):
    from gallery.models import ImageItem

    image = shared_image()
    item = ImageItem.get(image.id)
    item.update(
        actions=[
            ImageItem.status.set("quarantined"),
            ImageItem.reason.set("Malware found: Eicar-Test-Signature"),
            ImageItem.moderation_state.set("quarantined"),
            ImageItem.renditions.set({}),
        ]
    )
    page = mod_client.get("/admin/moderation/?state=quarantined").content.decode()
    assert "Malware found: Eicar-Test-Signature" in page
    assert "<img" not in page.split('id="result_list"')[1]
    assert "<img" not in mod_client.get(f"/admin/moderation/{image.id}/").content.decode()
    mod_client.post(f"/admin/moderation/{image.id}/", {"action": "approve", "reason": "within_rules"})
    assert gallery.image_get(image_id=image.id).moderation_state == "quarantined"
    mod_client.post(f"/admin/moderation/{image.id}/", {"action": "remove", "reason": "malware"})
    assert gallery.image_get(image_id=image.id).status == "removed"


def test_audit_log_filters_and_exports_safe_csv(stores, mod_client, moderator, shared_image):
    first, second = shared_image(title="one"), shared_image(title="two")
    decide(mod_client, first.id, "hide", "spam", '=HYPERLINK("http://x")')
    decide(mod_client, second.id, "takedown", "copyright", "+1")
    page = mod_client.get("/admin/moderation/audit/?action=takedown").content.decode()
    assert second.id in page and first.id not in page
    page = mod_client.get(
        f"/admin/moderation/audit/?image={first.id}&moderator={moderator.pk}"
    ).content.decode()
    assert first.id in page and second.id not in page

    response = mod_client.get("/admin/moderation/audit.csv")
    assert response["Content-Type"].startswith("text/csv") and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["at", "actor", "action"]
    notes = {r[2]: r[4] for r in rows[1:]}
    assert notes == {"hide": '\'=HYPERLINK("http://x")', "takedown": "'+1"}


def test_admin_index_shows_moderation_to_moderators_only(stores, client, mod_client, django_user_model):
    assert "Images awaiting review" in mod_client.get("/admin/").content.decode()
    staff = django_user_model.objects.create_user(username="staffer", password="x", is_staff=True)
    client.force_login(staff)
    assert "Images awaiting review" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    "method,url,data",
    [
        ("get", "/admin/moderation/?state=<script>&cursor=!!!", None),
        ("get", "/admin/moderation/?state=hidden&cursor=" + "A" * 600, None),
        ("get", "/admin/moderation/%00%ff/", None),
        ("get", "/admin/moderation/" + "x" * 300 + "/", None),
        ("get", "/admin/moderation/audit/?cursor=garbage&action=<x>&moderator=abc&image=" + "z" * 5000, None),
        ("get", "/admin/moderation/audit/?cursor=eyJpZCI6IDF9", None),
        ("get", "/admin/moderation/audit.csv?action=nope&moderator=-1", None),
        (
            "post",
            "/admin/moderation/",
            {"action": "hide", "reason": "spam", "selected": ["", "\x00", "y" * 500]},
        ),
        ("post", "/admin/moderation/", {"action": "explode", "reason": "spam", "selected": ["a"]}),
        ("post", "/admin/moderation/missing/", {"action": "remove", "reason": "spam", "note": "\x00\x01"}),
    ],
)
def test_hostile_input_gets_an_answer_not_a_500(stores, mod_client, method, url, data):
    response = (
        getattr(mod_client, method)(url, data) if data is not None else getattr(mod_client, method)(url)
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    "data", [{"reason": "spam", "note": "x" * 20000}, {"reason": "spam\x00"}, {"note": "\x00"}, {}]
)
def test_hostile_reports_get_a_4xx(stores, client, shared_image, data):
    image = shared_image()
    response = client.post(f"/report/{image.id}/", data)
    assert 400 <= response.status_code < 500
