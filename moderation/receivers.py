"""What the moderation app does when the gallery announces a change (gallery/signals.py)."""

import logging

log = logging.getLogger(__name__)


def invalidate_unshared(sender, image, **kwargs):
    """An image made private: its renditions had lasting unsigned CDN URLs while shared.
    The gallery moved them to fresh keys; this asks the CDN to drop its cached copies too
    (the same request as a takedown's, for the function outside the VPC)."""
    from gallery.services.moderation import image_file_paths
    from moderation.services.invalidations import request_invalidation

    try:
        request_invalidation(
            image_id=image.id, paths=image_file_paths(image_id=image.id), requested_by="owner"
        )
    except Exception:  # the image is private already; a cached copy ages out at worst
        log.exception(
            "could not request the CDN invalidation of an unshared image", extra={"image_id": image.id}
        )
