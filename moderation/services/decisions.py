"""Moderators' decisions on images, each recorded in the audit log.

A decision = the gallery's change of the image (``gallery.image_moderate``), the open
reports closed, for takedown and removal a CDN invalidation request, and one audit entry
with the state before and after.
"""

from dataclasses import dataclass

from gallery import services as gallery
from gallery.exceptions import GalleryError
from moderation.exceptions import UnknownAction
from moderation.reasons import DECISION_REASONS, IMAGE_ACTIONS
from moderation.services import audit, invalidations, reports
from moderation.services.common import clean_note, clean_reason

# Our action -> the gallery's change of the image.
_GALLERY_ACTION = {
    "approve": "approve",
    "hide": "hide",
    "restore": "restore",
    "takedown": "hide",
    "remove": "remove",
    "dismiss": "dismiss",
}


@dataclass(frozen=True)
class Decision:
    image: gallery.Image
    entry: audit.AuditEntry
    invalidation: invalidations.Invalidation | None = None


def snapshot(image: gallery.Image) -> dict:
    return {
        "status": image.status,
        "visibility": image.visibility,
        "hidden": image.hidden,
        "moderation_state": image.moderation_state,
        "approved": image.approved,
    }


def _actor(user) -> tuple[str, str]:
    return str(user.pk), user.get_username()


def image_decide(*, image_id: str, action: str, reason: str, note: str = "", actor) -> Decision:
    """One moderator's decision on one image. UnknownAction, InvalidReason, InvalidNote;
    the gallery's ImageNotFound or ModerationRefused when it does not apply."""
    if action not in IMAGE_ACTIONS:
        raise UnknownAction
    reason = clean_reason(reason, DECISION_REASONS)
    note = clean_note(note)
    actor_id, actor_name = _actor(actor)
    label = DECISION_REASONS[reason]
    seen = reports.reports_open_count(image_id=image_id)
    before, image = gallery.image_moderate(
        image_id=image_id,
        action=_GALLERY_ACTION[action],
        reason=label if action in ("hide", "takedown", "remove") else None,
    )
    # A report that came in while deciding keeps a still-visible image in front of
    # moderators; hiding or removing it answers every report.
    if not reports.reports_close(image_id=image_id, seen=None if image.hidden else seen):
        _, image = gallery.image_moderate(image_id=image_id, action="report")
    invalidation = None
    if action in ("takedown", "remove"):
        invalidation = invalidations.request_invalidation(
            image_id=image_id, paths=gallery.image_file_paths(image_id=image_id), requested_by=actor_id
        )
    entry = audit.audit_record(
        actor=actor_id,
        actor_name=actor_name,
        action=action,
        reason=reason,
        note=note,
        image_id=image_id,
        before=before,
        after=snapshot(image),
        invalidation_id=invalidation.id if invalidation else None,
    )
    return Decision(image=image, entry=entry, invalidation=invalidation)


def images_decide(
    *, image_ids: list[str], action: str, reason: str, note: str = "", actor
) -> tuple[list[Decision], dict[str, str]]:
    """The same decision on a selection: (decisions made, {image id: why not})."""
    done, failed = [], {}
    for image_id in dict.fromkeys(image_ids):
        try:
            done.append(image_decide(image_id=image_id, action=action, reason=reason, note=note, actor=actor))
        except GalleryError as exc:
            failed[image_id] = exc.detail
    return done, failed


def image_appeal(*, image_id: str, owner) -> gallery.Image:
    """The owner's one appeal of a hidden or removed image (audited)."""
    before, image = gallery.image_appeal(image_id=image_id, owner=str(owner.pk))
    audit.audit_record(
        actor=str(owner.pk),
        actor_name=owner.get_username(),
        action="appeal",
        reason="",
        note="",
        image_id=image_id,
        before=before,
        after=snapshot(image),
    )
    return image
