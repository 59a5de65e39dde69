"""What moderation can do. The only importer of moderation/items.py.

- ``audit``: the append-only log of decisions;
- ``decisions``: moderators' decisions on images, and the owner's appeal;
- ``reports``: "Report this image", its rate limits and the reported queue;
- ``invalidations``: CDN invalidation requests (takedown);
- ``bans``: banning and unbanning users;
- ``stores``: creating and checking the tables.
"""

from moderation.services.audit import (
    AuditEntry,
    AuditPage,
    audit_history,
    audit_iter,
    audit_list,
    audit_record,
)
from moderation.services.bans import user_ban, user_unban
from moderation.services.decisions import Decision, image_appeal, image_decide, images_decide, snapshot
from moderation.services.invalidations import Invalidation, invalidations_get, request_invalidation
from moderation.services.reports import (
    Report,
    ReportResult,
    ReportSummary,
    report_create,
    reports_close,
    reports_list,
    reports_open_count,
    reports_queue,
    reports_queue_page,
    reports_summaries,
    reports_summary,
)
from moderation.services.stores import moderation_stores_ensure

__all__ = [
    "AuditEntry",
    "AuditPage",
    "Decision",
    "Invalidation",
    "Report",
    "ReportResult",
    "ReportSummary",
    "audit_history",
    "audit_iter",
    "audit_list",
    "audit_record",
    "image_appeal",
    "image_decide",
    "images_decide",
    "invalidations_get",
    "moderation_stores_ensure",
    "report_create",
    "reports_close",
    "reports_open_count",
    "reports_list",
    "reports_queue",
    "reports_queue_page",
    "reports_summaries",
    "reports_summary",
    "request_invalidation",
    "snapshot",
    "user_ban",
    "user_unban",
]
