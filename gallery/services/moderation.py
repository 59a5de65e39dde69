"""Moderators' decisions: approve, hide from everyone but the owner, show again."""

from gallery import signals
from gallery.exceptions import GalleryError
from gallery.models import ImageItem
from gallery.services.records import Image, change_image, now, public_feed, to_image

MODERATION_ACTIONS = ("approve", "hide", "unhide")


def image_moderate(*, image_id: str, action: str) -> Image:
    """Approve (leave the queue), hide (its links are suspended), or unhide (they work
    again, unless the owner revoked them)."""
    if action not in MODERATION_ACTIONS:
        raise GalleryError(f"Unknown moderation action {action!r}.")

    def apply(item: ImageItem) -> bool:
        was_hidden = bool(item.hidden)
        item.hidden = action == "hide"
        item.moderation_state = "hidden" if action == "hide" else None
        item.reviewed_at = now()
        item.public_feed = public_feed(item)
        return was_hidden

    item, was_hidden = change_image(image_id, apply)
    image = to_image(item)
    if image.hidden and not was_hidden:
        signals.image_hidden.send(sender=Image, image=image)
    elif was_hidden and not image.hidden:
        signals.image_shown.send(sender=Image, image=image)
    return image
