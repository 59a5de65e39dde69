"""What happened to an image, announced to the apps that build on the gallery.

The gallery's services send these after the change is saved; other apps (short links)
connect receivers in their ``AppConfig.ready()``. A receiver only calls its own app's
service: domain logic stays in services, and the gallery never imports the apps that
depend on it. Every signal is sent with ``sender=Image`` (the dataclass).

- ``image_created(image)``: a new image is ready.
- ``image_unshared(image)``: it was made private; its links are suspended.
- ``image_shared(image, previous)``: it became unlisted or public (from ``previous``).
- ``image_hidden(image)`` / ``image_shown(image)``: a moderator hid it / showed it again.
- ``image_deleted(image)``: its owner deleted it; sent before anything is removed, so a
  receiver that fails stops the deletion and nothing is left half-done.
- ``image_removed(image)``: a moderator removed its files (the record stays, status
  "removed"); its links must die for good.
"""

from django.dispatch import Signal

image_created = Signal()
image_unshared = Signal()
image_shared = Signal()
image_hidden = Signal()
image_shown = Signal()
image_deleted = Signal()
image_removed = Signal()
