"""PynamoDB models of moderation. Declarative only: moderation.services is their only importer.

Keys and indexes must match imageplatform/dynamodb.json (checked by a test), from which
Terraform creates the tables in AWS.
"""

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from imageplatform.dynamo import SettingsMeta


# --------------------------------------------------------------------------- audit log
class _AuditIndex(GlobalSecondaryIndex):
    at = UTCDateTimeAttribute(range_key=True)


class AuditLogIndex(_AuditIndex):
    """Every decision, newest first (``log`` is always "all")."""

    class Meta:
        index_name = "log-at-index"
        projection = AllProjection()

    log = UnicodeAttribute(hash_key=True)


class AuditImageIndex(_AuditIndex):
    """One image's history. Sparse: decisions about users carry no image_id."""

    class Meta:
        index_name = "image-at-index"
        projection = AllProjection()

    image_id = UnicodeAttribute(hash_key=True)


class AuditActorIndex(_AuditIndex):
    """One moderator's decisions."""

    class Meta:
        index_name = "actor-at-index"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)


class AuditActionIndex(_AuditIndex):
    """One kind of decision."""

    class Meta:
        index_name = "action-at-index"
        projection = AllProjection()

    action = UnicodeAttribute(hash_key=True)


class AuditItem(Model):
    """One moderation decision. Append-only: written once with attribute_not_exists(id)."""

    class Meta(metaclass=SettingsMeta):
        table_setting = "MODERATION_AUDIT_TABLE"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    log = UnicodeAttribute(default="all")
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()  # the moderator's user id ("system" for the scanner)
    actor_name = UnicodeAttribute(default="")
    action = UnicodeAttribute()
    reason = UnicodeAttribute(default="")
    note = UnicodeAttribute(default="")
    image_id = UnicodeAttribute(null=True)
    user_id = UnicodeAttribute(null=True)  # the user a ban is about
    before = MapAttribute(default=dict)
    after = MapAttribute(default=dict)
    invalidation_id = UnicodeAttribute(null=True)

    log_index = AuditLogIndex()
    image_index = AuditImageIndex()
    actor_index = AuditActorIndex()
    action_index = AuditActionIndex()


# --------------------------------------------------------------------------- reports
class ReportQueueIndex(GlobalSecondaryIndex):
    """Sparse: only an image's open summary item has ``queue``; ``rank`` sorts by report
    count, then age (see services/reports.py)."""

    class Meta:
        index_name = "queue-rank-index"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    rank = UnicodeAttribute(range_key=True)


class ReportItem(Model):
    """Reports, per image and rate-limit counters, in one table:

    - (``<image id>``, ``summary``): open report count, reasons, queue and rank;
    - (``<image id>``, ``report#<time>#<random>``): one report;
    - (``<image id>``, ``by#<reporter>``): who reported it already (one counts once);
    - (``limit#<kind>#<key>``, ``w#<window>``): a rate-limit counter, gone by TTL.
    """

    class Meta(metaclass=SettingsMeta):
        table_setting = "MODERATION_REPORTS_TABLE"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    queue = UnicodeAttribute(null=True)
    rank = UnicodeAttribute(null=True)
    count = NumberAttribute(null=True)
    reasons = MapAttribute(null=True)  # reason -> count, while open
    reason = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    reporter = UnicodeAttribute(null=True)  # a user id, or "" for a visitor
    first_at = UTCDateTimeAttribute(null=True)
    at = UTCDateTimeAttribute(null=True)
    expires_ttl = TTLAttribute(null=True)

    queue_index = ReportQueueIndex()


# --------------------------------------------------------------------------- CDN invalidations
class InvalidationItem(Model):
    """A request to invalidate CDN paths. The table's stream feeds a function outside the
    VPC that calls CloudFront (Terraform: modules/invalidator); locally nothing consumes it."""

    class Meta(metaclass=SettingsMeta):
        table_setting = "PLATFORM_INVALIDATIONS_TABLE"
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_IMAGE"

    id = UnicodeAttribute(hash_key=True)
    image_id = UnicodeAttribute()
    paths = ListAttribute(of=UnicodeAttribute)
    requested_by = UnicodeAttribute()
    requested_at = UnicodeAttribute()  # ISO 8601
    status = UnicodeAttribute(default="requested")
    expires_ttl = TTLAttribute()
