"""Banning a user: the account stops at once, their shared images are hidden.

``is_active=False`` ends everything on the next request: Django's ModelBackend returns no
user for an inactive account (sessions), and accounts.services.token_authenticate refuses
tokens of inactive users. The ban row records exactly which images it hid, so unbanning
shows those again (as they were: back to review unless approved) and nothing else.
"""

from django.db import transaction
from django.utils import timezone

from gallery import services as gallery
from gallery.exceptions import GalleryError, ImageNotFound
from moderation.exceptions import ModerationError
from moderation.models import Ban
from moderation.reasons import DECISION_REASONS
from moderation.services import audit
from moderation.services.common import clean_note, clean_reason
from moderation.services.decisions import snapshot

PAGE = 100


def _shared_images(user) -> list[gallery.Image]:
    found, cursor = [], None
    while True:
        page = gallery.image_list(owner=str(user.pk), cursor=cursor, limit=PAGE)
        found += [
            i
            for i in page.images
            if i.visibility in gallery.SHARED and not i.hidden and i.status != "removed"
        ]
        if not page.next_cursor:
            return found
        cursor = page.next_cursor


def user_ban(*, user, reason: str, note: str = "", actor) -> Ban:
    """Ban ``user``: inactive at once, shared images hidden (their links suspended)."""
    reason = clean_reason(reason, DECISION_REASONS)
    note = clean_note(note)
    if user.pk == actor.pk:
        raise ModerationError("You cannot ban yourself.")
    if user.is_superuser:
        raise ModerationError("A superuser cannot be banned here.")
    if not user.is_active:
        raise ModerationError(f"{user.get_username()} is banned already.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    hidden = []
    for image in _shared_images(user):
        try:
            before, after = gallery.image_moderate(
                image_id=image.id, action="hide", reason=DECISION_REASONS[reason]
            )
        except GalleryError:
            continue  # deleted or removed meanwhile: nothing to hide
        hidden.append(image.id)
        audit.audit_record(
            actor=str(actor.pk),
            actor_name=actor.get_username(),
            action="ban_hide",
            reason=reason,
            note=f"Ban of {user.get_username()}",
            image_id=image.id,
            before=before,
            after=snapshot(after),
        )
    ban = Ban.objects.create(user=user, reason=reason, note=note, banned_by=actor, hidden_image_ids=hidden)
    audit.audit_record(
        actor=str(actor.pk),
        actor_name=actor.get_username(),
        action="ban",
        reason=reason,
        note=note,
        user_id=str(user.pk),
        before={"is_active": True},
        after={"is_active": False, "hidden_images": hidden},
    )
    return ban


def user_unban(*, user, reason: str, note: str = "", actor) -> list[str]:
    """Lift the ban: active again, and the images the ban hid shown again (those a
    moderator has not decided on since). Returns the ids shown again."""
    reason = clean_reason(reason, DECISION_REASONS)
    note = clean_note(note)
    if user.is_active:
        raise ModerationError(f"{user.get_username()} is not banned.")
    with transaction.atomic():
        ban = Ban.objects.select_for_update().filter(user=user, lifted_at__isnull=True).first()
        user.is_active = True
        user.save(update_fields=["is_active"])
        if ban is not None:
            ban.lifted_at, ban.lifted_by = timezone.now(), actor
            ban.save(update_fields=["lifted_at", "lifted_by"])
    shown = []
    for image_id in ban.hidden_image_ids if ban else []:
        try:
            image = gallery.image_get(image_id=image_id, with_urls=False)
            if not (image.hidden and image.moderation_state == "hidden"):
                continue  # decided on since (removed, appealed, restored): leave it
            since = [e for e in audit.audit_history(image_id=image_id) if e.at > ban.banned_at]
            if any(e.action != "ban_hide" for e in since):
                continue  # a moderator decided on it during the ban (a takedown): leave it
            before, after = gallery.image_moderate(image_id=image_id, action="unhide")
        except (ImageNotFound, GalleryError):
            continue
        shown.append(image_id)
        audit.audit_record(
            actor=str(actor.pk),
            actor_name=actor.get_username(),
            action="unhide",
            reason=reason,
            note=f"Unban of {user.get_username()}",
            image_id=image_id,
            before=before,
            after=snapshot(after),
        )
    audit.audit_record(
        actor=str(actor.pk),
        actor_name=actor.get_username(),
        action="unban",
        reason=reason,
        note=note,
        user_id=str(user.pk),
        before={"is_active": False},
        after={"is_active": True, "shown_images": shown},
    )
    return shown
