"""Moderators' decisions on one image, and the owner's appeal.

Each decision is one versioned change of the record (``change_image``); the moderation
app records who decided what (its audit log) around these calls. The states, kept in
``moderation_state`` (the sparse moderation index):

- ``pending_review``: shared, not yet approved as it is now;
- ``reported``: someone reported it (the moderation app keeps the reports);
- ``appealed``: hidden or removed, and its owner asked for a second look;
- ``quarantined``: the scanner found malware (set by the upload pipeline);
- ``hidden``: seen only by its owner; its links are suspended;
- ``removed``: its files are deleted, the record stays with the reason, its links are dead.
"""

import secrets

from gallery import signals, storage
from gallery.exceptions import GalleryError
from gallery.models import ImageItem
from gallery.services.records import (
    Image,
    change_image,
    get_item,
    is_approved,
    now,
    public_feed,
    renditions_of,
    to_image,
)

MODERATION_ACTIONS = ("approve", "hide", "unhide", "restore", "remove", "report", "dismiss")
MODERATION_STATES = ("pending_review", "reported", "appealed", "quarantined", "hidden", "removed")


class ModerationRefused(GalleryError):
    code = "moderation_refused"
    status = 409
    default_detail = "That decision does not apply to this image now."


def moderation_snapshot(item: ImageItem) -> dict:
    """What a decision changes, for the audit log's before and after."""
    return {
        "status": item.status,
        "visibility": item.visibility,
        "hidden": bool(item.hidden),
        "moderation_state": item.moderation_state,
        "approved": is_approved(item),
    }


def _settle(item: ImageItem) -> None:
    """Leave the queue: approved images are settled, others wait for review if shared."""
    if is_approved(item) or item.visibility == "private":
        item.moderation_state = None
    else:
        item.moderation_state = "pending_review"


def copy_renditions_to_new_keys(image_id: str) -> dict[str, str]:
    """Copy every rendition to a fresh key: {old key: new key}.

    Hiding moves the files: URLs handed out before (signed ones, and the unsigned CDN URLs
    of shared renditions, once the CDN's copy is invalidated) then find nothing, as if the
    image never existed, while the owner's page signs the new keys. The keys stay under
    the image's prefix, so deleting the image still finds them."""
    client, bucket = storage.s3_client(), storage.media_storage().bucket_name
    moves = {}
    for r in renditions_of(get_item(image_id)).values():
        stem, _, extension = r["key"].rpartition(".")
        new = f"{stem.split('~')[0]}~{secrets.token_hex(6)}.{extension}"
        client.copy_object(Bucket=bucket, Key=new, CopySource={"Bucket": bucket, "Key": r["key"]})
        moves[r["key"]] = new
    return moves


def point_renditions_at(item: ImageItem, moves: dict[str, str]) -> None:
    files = renditions_of(item)
    for r in files.values():
        r["key"] = moves.get(r["key"], r["key"])
    item.renditions = files


def _apply(item: ImageItem, action: str, reason: str | None) -> None:
    removed = item.status == "removed"
    if item.status == "quarantined" and action not in ("remove", "hide"):
        raise ModerationRefused("The scanner found malware in this upload: it can only be removed.")
    if action == "approve":
        if removed:
            raise ModerationRefused("A removed image cannot be approved: its files are gone.")
        item.hidden, item.approved, item.moderation_state, item.moderation_reason = False, True, None, None
    elif action == "hide":
        if removed:
            raise ModerationRefused("The image is removed already.")
        item.hidden, item.moderation_state, item.moderation_reason = True, "hidden", reason
    elif action in ("unhide", "restore"):
        if removed or not item.hidden:
            raise ModerationRefused("Only a hidden image can be restored.")
        item.hidden, item.moderation_reason = False, None
        if action == "restore":  # a moderator looked and approves it
            item.approved, item.moderation_state = True, None
        else:  # shown as it was before it was hidden (an unban): review still needed if it was
            _settle(item)
    elif action == "remove":
        item.hidden, item.moderation_state, item.moderation_reason = True, "removed", reason
        item.status, item.reason, item.renditions = "removed", reason, {}
    elif action == "report":
        # Reports put an image in front of moderators unless one is looking already.
        if item.moderation_state in (None, "pending_review") and not item.hidden and not removed:
            item.moderation_state = "reported"
        return  # not a moderator's decision: reviewed_at stays
    elif action == "dismiss":
        if item.moderation_state != "reported":
            raise ModerationRefused("The image has no open reports.")
        _settle(item)
    item.reviewed_at = now()


def image_moderate(*, image_id: str, action: str, reason: str | None = None) -> tuple[dict, Image]:
    """Apply a moderator's decision; returns (the state before, the image after).

    approve (leave the queue, listed publicly if public); hide (its links are suspended);
    restore (shown again, approved); unhide (shown again as it was: back to review unless
    it had been approved); remove (files deleted, record kept as "removed" with
    the reason, links dead); report (enter the queue as reported); dismiss (reports were
    unfounded: leave the queue, or back to review if never approved). ModerationRefused
    when the decision does not apply to the image's state."""
    if action not in MODERATION_ACTIONS:
        raise GalleryError(f"Unknown moderation action {action!r}.")

    moves = copy_renditions_to_new_keys(image_id) if action == "hide" else {}

    def apply(item: ImageItem) -> tuple[dict, bool]:
        before, was_hidden = moderation_snapshot(item), bool(item.hidden)
        _apply(item, action, reason)
        if moves and not was_hidden:
            point_renditions_at(item, moves)
        item.public_feed = public_feed(item)
        return before, was_hidden

    item, (before, was_hidden) = change_image(image_id, apply)
    image = to_image(item)
    current = {r["key"] for r in renditions_of(item).values()}
    if moves:  # the old keys, or the unused copies when it was hidden already
        storage.delete_keys([k for k in (*moves, *moves.values()) if k not in current])
    if action == "remove":
        # The record says "removed" first, so nothing serves the files while they go.
        signals.image_removed.send(sender=Image, image=image)
        storage.delete_keys(storage.image_keys(image_id))
    elif image.hidden and not was_hidden:
        signals.image_hidden.send(sender=Image, image=image)
    elif was_hidden and not image.hidden:
        signals.image_shown.send(sender=Image, image=image)
    return before, image


def image_appeal(*, image_id: str, owner: str) -> tuple[dict, Image]:
    """The owner asks for a second look at a hidden or removed image, once: it returns to
    the queue as "appealed" (still hidden). ModerationRefused otherwise."""

    def apply(item: ImageItem) -> dict:
        before = moderation_snapshot(item)
        if item.moderation_state not in ("hidden", "removed"):
            raise ModerationRefused("Only a hidden or removed image can be appealed.")
        if item.appealed_at is not None:
            raise ModerationRefused("This image was appealed already.")
        item.moderation_state, item.appealed_at = "appealed", now()
        return before

    item, before = change_image(image_id, apply, owner=owner)
    return before, to_image(item)


def image_file_paths(*, image_id: str) -> list[str]:
    """Every URL path under which the CDN may hold the image's files or pages: its
    renditions (/renditions/<id>/*, cached for a year), its originals (never routed
    through the CDN today, listed in case a behaviour is added) and its share page."""
    return [
        f"/{storage.prefix('renditions')}{image_id}/*",
        f"/{storage.prefix('originals')}{image_id}/*",
        f"/i/{image_id}/",
    ]
