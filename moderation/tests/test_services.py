"""The audit log and invalidation requests: append-only, conditional writes."""

from datetime import datetime

import pytest

from moderation import services
from moderation.exceptions import AuditEntryExists, InvalidNote, InvalidReason, ModerationError
from moderation.items import InvalidationItem

pytestmark = pytest.mark.django_db


def test_audit_entries_are_never_overwritten(stores):
    services.audit_record(actor="1", action="hide", reason="spam", image_id="img", entry_id="fixed")
    with pytest.raises(AuditEntryExists):
        services.audit_record(actor="2", action="approve", reason="other", image_id="img", entry_id="fixed")
    [entry] = services.audit_history(image_id="img")
    assert (entry.actor, entry.action) == ("1", "hide")


def test_audit_list_pages_newest_first(stores):
    for n in range(5):
        services.audit_record(actor="1", action="hide", reason="spam", image_id=f"img{n}")
    first = services.audit_list(limit=2)
    assert [e.image_id for e in first.entries] == ["img4", "img3"]
    second = services.audit_list(limit=2, cursor=first.next_cursor)
    assert [e.image_id for e in second.entries] == ["img2", "img1"]
    with pytest.raises(ModerationError):
        services.audit_list(cursor="not-a-cursor")


def test_invalidation_request_is_recorded_for_the_stream(stores, settings):
    request = services.request_invalidation(
        image_id="img", paths=["/renditions/img/*", "/i/img/"], requested_by="7"
    )
    item = InvalidationItem.get(request.id)
    assert item.status == "requested" and list(item.paths) == ["/renditions/img/*", "/i/img/"]
    assert item.requested_by == "7" and item.requested_at.startswith("20")
    kept = item.expires_ttl - datetime.fromisoformat(item.requested_at)
    assert round(kept.total_seconds() / 86400) == settings.MODERATION_INVALIDATION_KEEP_DAYS == 90
    with pytest.raises(ModerationError):
        services.request_invalidation(image_id="img", paths=["renditions/img/*"], requested_by="7")


def test_decisions_need_a_listed_reason_and_a_clean_note(stores, shared_image, moderator):
    image = shared_image()
    with pytest.raises(InvalidReason):
        services.image_decide(image_id=image.id, action="hide", reason="because", actor=moderator)
    with pytest.raises(InvalidNote):
        services.image_decide(
            image_id=image.id, action="hide", reason="spam", note="x" * 1001, actor=moderator
        )
    assert services.audit_history(image_id=image.id) == []
