"""PynamoDB models of the gallery. Declarative only: services.py is their only importer.

Keys and indexes must match imageplatform/dynamodb.json (checked by a test), which is
also what Terraform creates the tables from.
"""

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from imageplatform.dynamo import SettingsMeta


class OwnerIndex(GlobalSecondaryIndex):
    """An owner's gallery, newest first."""

    class Meta:
        index_name = "owner-created-index"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class OwnerTakenIndex(GlobalSecondaryIndex):
    """Sparse: an owner's photos by the date taken (EXIF), for those that have one."""

    class Meta:
        index_name = "owner-taken-index"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    taken_at = UnicodeAttribute(range_key=True)


class ModerationIndex(GlobalSecondaryIndex):
    """Sparse: only images with a moderation_state are in the moderation queue."""

    class Meta:
        index_name = "moderation-created-index"
        projection = AllProjection()

    moderation_state = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class PublicIndex(GlobalSecondaryIndex):
    """Sparse: public_feed is set only on ready, public, visible images."""

    class Meta:
        index_name = "public-created-index"
        projection = AllProjection()

    public_feed = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class AttentionIndex(GlobalSecondaryIndex):
    """Sparse: ``attention`` is set only while an image is not settled (``pending``,
    ``failed``, ``deleting``), so `manage.py repair` finds every leftover with a Query."""

    class Meta:
        index_name = "attention-created-index"
        projection = KeysOnlyProjection()

    attention = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ImageItem(Model):
    class Meta(metaclass=SettingsMeta):
        table_setting = "GALLERY_TABLE"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    title = UnicodeAttribute(default="")
    caption = UnicodeAttribute(default="")
    alt_text = UnicodeAttribute(default="")
    original_filename = UnicodeAttribute(default="")
    visibility = UnicodeAttribute(default="private")  # private | unlisted | public

    # pending | ready | rejected | failed | deleting, and for direct uploads first
    # awaiting_upload -> scanning -> processing, or quarantined (gallery/services/uploads.py)
    status = UnicodeAttribute(default="pending")
    reason = UnicodeAttribute(null=True)  # why rejected/failed, shown to the owner

    original_key = UnicodeAttribute()
    format = UnicodeAttribute(null=True)
    mime = UnicodeAttribute(null=True)
    size = NumberAttribute(default=0)  # bytes of the original
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    frames = NumberAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    # name -> {"key", "width", "height", "format", "bytes", "spec"}
    renditions = MapAttribute(default=dict)

    hidden = BooleanAttribute(default=False)  # hidden by a moderator
    # pending_review | reported | appealed | quarantined | hidden | removed; unset when settled
    moderation_state = UnicodeAttribute(null=True)
    reviewed_at = UTCDateTimeAttribute(null=True)  # when a moderator last decided
    # A moderator approved it as it is now: the public gallery shows only approved images.
    approved = BooleanAttribute(null=True)
    moderation_reason = UnicodeAttribute(null=True)  # why it was hidden or removed (the owner sees it)
    appealed_at = UTCDateTimeAttribute(null=True)  # the owner asked for a second look (only once)
    public_feed = UnicodeAttribute(null=True)  # "public" while listed in the public gallery
    attention = UnicodeAttribute(null=True)  # the status while it is pending, failed or deleting
    short_code = UnicodeAttribute(null=True)  # the default short link (lists show it, no query each)
    # Title, caption and file name, lowercased: the owner's search is a `contains` filter on it.
    search_text = UnicodeAttribute(null=True)
    # Camera details read from the original's EXIF before renditions strip it (never GPS).
    photo = MapAttribute(null=True)
    # photo["taken_at"] (camera local time, "2024-05-01T10:20:00"), set only when the photo
    # has a date taken: the sparse owner-taken-index sorts by it.
    taken_at = UnicodeAttribute(null=True)

    upload_expires_at = UTCDateTimeAttribute(null=True)  # a direct upload's presigned POST ends

    version = VersionAttribute()

    owner_index = OwnerIndex()
    owner_taken_index = OwnerTakenIndex()
    moderation_index = ModerationIndex()
    public_index = PublicIndex()
    attention_index = AttentionIndex()
