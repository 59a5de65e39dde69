"""The gallery's stores: the media bucket and the images table. imageplatform.stores
combines these with the other apps' into `manage.py ensure_stores` and /healthz."""

from pynamodb.exceptions import DoesNotExist

from gallery import storage
from gallery.models import ImageItem

HEALTH_KEY = "__healthz__"


def gallery_stores_ensure() -> dict[str, bool]:
    """Create the bucket and the images table when missing (idempotent): {name: created}."""
    created = {"bucket": storage.bucket_ensure()}
    exists = ImageItem.exists()
    if not exists:
        ImageItem.create_table(wait=True, ignore_update_ttl_errors=True)
    created[ImageItem.Meta.table_name] = not exists
    return created


def gallery_stores_check() -> dict[str, callable]:
    """{store name: a function that raises when that store cannot be reached}."""

    def images_table():
        try:
            ImageItem.get(HEALTH_KEY)
        except DoesNotExist:
            pass

    return {"s3": storage.bucket_reachable, "images_table": images_table}
