"""The owner's changes: title, caption, alt text, visibility; deleting an image."""

from gallery import signals, storage
from gallery.exceptions import ImageNotFound
from gallery.models import ImageItem
from gallery.services.moderation import copy_renditions_to_new_keys, point_renditions_at
from gallery.services.pipeline import remove_everything
from gallery.services.records import (
    SHARED,
    Image,
    change_image,
    get_item,
    public_feed,
    queue_if_shared,
    renditions_of,
    to_image,
)
from gallery.services.text import clean_alt_text, clean_caption, clean_title, clean_visibility


def image_update(
    *,
    image_id: str,
    owner: str,
    title: str | None = None,
    caption: str | None = None,
    alt_text: str | None = None,
    visibility: str | None = None,
) -> Image:
    """Change what the owner may change; None leaves a field as it is.

    Visibility changes are announced only when the value really changes: saving an edit
    form that repeats "private" does nothing to the image's links.
    """
    changes = {
        "title": clean_title(title),
        "caption": clean_caption(caption),
        "alt_text": clean_alt_text(alt_text),
    }
    visibility = clean_visibility(visibility)

    def apply(item: ImageItem) -> str:
        previous = item.visibility
        reworded = any(
            changes[name] is not None and changes[name] != (getattr(item, name) or "")
            for name in ("title", "caption")
        )
        for name, value in changes.items():
            if value is not None:
                setattr(item, name, value)
        if visibility is not None and visibility != previous:
            item.visibility = visibility
        # Policy (README, Moderation): shared again after being private, or reworded while
        # shared, an approved image goes back to the queue.
        shared_again = previous not in SHARED and item.visibility in SHARED
        queue_if_shared(item, again=shared_again or (reworded and item.visibility in SHARED))
        item.public_feed = public_feed(item)
        return previous

    # Made private: while shared, its renditions had lasting unsigned CDN URLs (link
    # previews, open tabs). They move to fresh keys, so those URLs find nothing at the
    # origin; the CDN's cached copies go through the image_unshared receivers' invalidation.
    moves = {}
    if visibility == "private":
        current = get_item(image_id, owner)
        if current.visibility in SHARED and not current.hidden and current.status == "ready":
            moves = copy_renditions_to_new_keys(image_id)

    def apply_and_move(item: ImageItem) -> str:
        previous = apply(item)
        if moves and previous in SHARED and item.visibility not in SHARED:
            point_renditions_at(item, moves)
        return previous

    item, previous = change_image(image_id, apply_and_move, owner=owner)
    if moves:  # the old keys, or the unused copies if the move did not happen
        kept = {r["key"] for r in renditions_of(item).values()}
        storage.delete_keys([k for k in (*moves, *moves.values()) if k not in kept])
    image = to_image(item)
    if image.visibility != previous:
        if image.visibility in SHARED and previous not in SHARED:
            signals.image_shared.send(sender=Image, image=image, previous=previous)
        elif image.visibility not in SHARED:
            signals.image_unshared.send(sender=Image, image=image)
    return image


def image_delete(*, image_id: str, owner: str | None) -> None:
    """Remove every S3 object of the image and its record.

    ``image_deleted`` is sent first: if a receiver fails (its store is down), nothing has
    been removed yet. Then the record is marked "deleting" (findable by `repair`, which
    finishes the job if the objects or the record cannot be removed now), the objects are
    removed, and the record last."""
    image = to_image(get_item(image_id, owner), with_urls=False)
    signals.image_deleted.send(sender=Image, image=image)

    def mark(item: ImageItem) -> None:
        item.status, item.attention, item.public_feed = "deleting", "deleting", None

    change_image(image_id, mark, owner=owner)
    remove_everything(image_id)


def image_set_short_code(*, image_id: str, code: str | None, only_if: str | None = None) -> None:
    """Record (or clear) the code of the image's default short link, so lists show it
    without a query per image. ``only_if``: change it only while it is still that code."""

    def apply(item: ImageItem) -> None:
        if only_if is not None and item.short_code != only_if:
            return
        item.short_code = code

    try:
        change_image(image_id, apply)
    except ImageNotFound:
        pass  # deleted meanwhile: nothing to record
