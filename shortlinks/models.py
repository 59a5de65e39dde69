"""PynamoDB models of short links. Declarative only: services.py is their only importer."""

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from imageplatform.dynamo import SettingsMeta


class ImageLinksIndex(GlobalSecondaryIndex):
    """The links of an image."""

    class Meta:
        index_name = "image-created-index"
        projection = AllProjection()

    image_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ShortLinkItem(Model):
    class Meta(metaclass=SettingsMeta):
        table_setting = "SHORTLINKS_TABLE"
        billing_mode = "PAY_PER_REQUEST"

    code = UnicodeAttribute(hash_key=True)
    image_id = UnicodeAttribute()
    owner = UnicodeAttribute()
    target = UnicodeAttribute(default="page")  # "page" or a rendition name; never a URL
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute(null=True)
    # DynamoDB TTL tidies expired links later; the app refuses them at read time.
    expires_ttl = TTLAttribute(null=True)
    max_visits = NumberAttribute(null=True)
    visits = NumberAttribute(default=0)
    last_visit_at = UTCDateTimeAttribute(null=True)
    password_hash = UnicodeAttribute(null=True)
    revoked = NumberAttribute(default=0)  # 1 when revoked by the owner or the image was deleted
    # Password attempts (shortlinks.limits): the window they count in, and per-client
    # counters (keys are hashes of client addresses; "*" counts everyone).
    pw_window = NumberAttribute(null=True)
    pw_attempts = MapAttribute(null=True)

    image_index = ImageLinksIndex()
