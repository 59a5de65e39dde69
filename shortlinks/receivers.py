"""Receivers of the gallery's signals (connected in ShortlinksConfig.ready()).

Each only calls a shortlinks service. Private and hidden images need no receiver: a link
is suspended while its image is not shared (resolving checks the image), and works again
when it is shared or shown again.
"""

from shortlinks import services


def create_default_link(sender, image, **kwargs):
    services.shortlink_create_default(image_id=image.id, owner=image.owner)


def revoke_links(sender, image, **kwargs):
    """The image was deleted by its owner or removed by a moderator: its links die."""
    services.shortlink_revoke_for_image(image_id=image.id)
