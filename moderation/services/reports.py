"""Reports: "Report this image", for visitors and API users.

Access pattern (one table, see moderation/items.py): each image has a summary item whose
``queue`` is "reported" while reports are open and whose ``rank`` encodes the report
count, then the age of the first report (zero-padded count, then the first report's time
subtracted from a constant, then the image id, so a descending Query gives most reports first and, among
equal counts, the oldest first). ``queue`` is removed when a moderator decides, so the
queue index is sparse: the reported queue is one Query, never a Scan.

Rate limits live in the same table as counters per fixed window, per client address (a
hash, never the address) and per image, each one conditional ADD with a TTL: they hold
across Lambda instances without in-process state.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from gallery import services as gallery
from gallery.exceptions import ImageNotFound, InvalidCursor
from imageplatform import cursors
from moderation.exceptions import ReportLimited
from moderation.items import ReportItem
from moderation.reasons import REPORT_REASONS
from moderation.services.common import clean_note, clean_reason, is_conditional_failure, now

SUMMARY = "summary"
QUEUE = "reported"
RANK_EPOCH = 9_999_999_999_999  # milliseconds
KEEP_REPORTERS_DAYS = 30


@dataclass(frozen=True)
class ReportResult:
    image_id: str
    counted: bool  # False: this reporter had reported the image already (accepted, not counted)
    count: int


@dataclass(frozen=True)
class ReportSummary:
    image_id: str
    count: int
    reasons: dict = field(default_factory=dict)
    first_at: datetime | None = None


@dataclass(frozen=True)
class Report:
    image_id: str
    reason: str
    note: str
    reporter: str
    at: datetime


def rank(count: int, first_at: datetime, image_id: str = "") -> str:
    """Sorts (descending) by count, then oldest first report; the image id keeps it unique."""
    age = RANK_EPOCH - int(first_at.timestamp() * 1000)
    return f"{min(count, 999_999):06d}#{age:013d}#{image_id}"


def client_key(client: str | None) -> str:
    """A keyed hash of the client's address: the table never holds addresses."""
    return "c" + hashlib.sha256(f"{settings.SECRET_KEY}|report|{client or '-'}".encode()).hexdigest()[:24]


def _window() -> tuple[int, int]:
    size = settings.MODERATION_REPORT_WINDOW
    seconds = int(now().timestamp())
    return seconds // size, (seconds // size + 1) * size - seconds


def _take(pk: str, window: int, limit: int) -> bool:
    """Count one against ``pk``'s window; False when the window's allowance is used up."""
    expires = now() + timedelta(seconds=2 * settings.MODERATION_REPORT_WINDOW)
    try:
        ReportItem(pk, f"w#{window}").update(
            actions=[ReportItem.count.add(1), ReportItem.expires_ttl.set(expires)],
            condition=ReportItem.count.does_not_exist() | (ReportItem.count < limit),
        )
    except UpdateError as exc:
        if is_conditional_failure(exc):
            return False
        raise
    return True


def _visible_image(image_id: str) -> gallery.Image:
    """Only images the reporter can see (shared, ready, not hidden); others: ImageNotFound."""
    image = gallery.image_get(image_id=image_id, with_urls=False)
    if not image.is_shared:
        raise ImageNotFound
    return image


def report_create(
    *, image_id: str, reason: str, note: str | None = None, reporter: str = "", client: str | None = None
) -> ReportResult:
    """Report an image. ImageNotFound for images the reporter may not see; InvalidReason,
    InvalidNote; ReportLimited (with retry_after) past the per-client or per-image limit.
    A reporter (signed-in user, else client address) counts once per image."""
    reason = clean_reason(reason, REPORT_REASONS)
    note = clean_note(note)
    _visible_image(image_id)
    window, retry_after = _window()
    if not _take(f"limit#client#{client_key(client)}", window, settings.MODERATION_REPORTS_PER_CLIENT):
        raise ReportLimited(retry_after=retry_after)
    if not _take(f"limit#image#{image_id}", window, settings.MODERATION_REPORTS_PER_IMAGE):
        raise ReportLimited(
            "This image has had many reports already; moderators will look at it.", retry_after=retry_after
        )

    at = now()
    who = f"u{reporter}" if reporter else client_key(client)
    try:
        ReportItem(image_id, f"by#{who}", at=at, expires_ttl=at + timedelta(days=KEEP_REPORTERS_DAYS)).save(
            condition=ReportItem.pk.does_not_exist()
        )
    except PutError as exc:
        if not is_conditional_failure(exc):
            raise
        return ReportResult(image_id=image_id, counted=False, count=_summary_count(image_id))

    ReportItem(
        image_id,
        f"report#{at.isoformat()}#{secrets.token_hex(4)}",
        reason=reason,
        note=note,
        reporter=reporter,
        at=at,
    ).save()
    summary = ReportItem(image_id, SUMMARY)
    summary.update(
        actions=[
            ReportItem.count.add(1),
            ReportItem.queue.set(QUEUE),
            ReportItem.first_at.set(ReportItem.first_at | at),
            ReportItem.reasons.set(ReportItem.reasons | {}),
        ]
    )
    count, first_at = int(summary.count), summary.first_at
    summary.update(actions=[ReportItem.reasons[reason].add(1)])
    try:  # the last counter to arrive sets the rank of the highest count
        summary.update(
            actions=[ReportItem.rank.set(rank(count, first_at, image_id))],
            condition=ReportItem.count == count,
        )
    except UpdateError as exc:
        if not is_conditional_failure(exc):
            raise
    gallery.image_moderate(image_id=image_id, action="report")
    return ReportResult(image_id=image_id, counted=True, count=count)


def _summary_count(image_id: str) -> int:
    if not gallery.well_formed_id(image_id):
        return 0
    try:
        return int(ReportItem.get(image_id, SUMMARY, consistent_read=True).count or 0)
    except DoesNotExist:
        return 0


def _to_summary(item: ReportItem) -> ReportSummary:
    reasons = item.reasons.as_dict() if hasattr(item.reasons, "as_dict") else dict(item.reasons or {})
    return ReportSummary(
        image_id=item.pk,
        count=int(item.count or 0),
        reasons={k: int(v) for k, v in sorted(reasons.items(), key=lambda kv: -int(kv[1]))},
        first_at=item.first_at,
    )


def reports_queue(*, limit: int = 50) -> list[ReportSummary]:
    """Open reports, most reported first, then oldest first: one Query on the sparse index."""
    return reports_queue_page(limit=limit)[0]


_RANK = re.compile(r"\d{6}#\d{13}#[A-Za-z0-9_-]{1,64}")


def reports_queue_page(
    *, cursor: str | None = None, limit: int = 50
) -> tuple[list[ReportSummary], str | None]:
    """A page of the reported queue and the cursor of the next (None on the last page).
    The cursor is the last summary's rank (which ends with its image id), opaque to callers;
    InvalidCursor for anything this did not make."""
    limit = max(1, min(limit, 200))
    start = None
    if cursor:
        try:
            last = cursors.unwrap(cursor, 200)
        except ValueError:
            raise InvalidCursor from None
        if not _RANK.fullmatch(last):
            raise InvalidCursor
        image_id = last.split("#", 2)[2]
        start = {"pk": {"S": image_id}, "sk": {"S": SUMMARY}, "queue": {"S": QUEUE}, "rank": {"S": last}}
    items = list(
        ReportItem.queue_index.query(
            QUEUE, scan_index_forward=False, limit=limit + 1, last_evaluated_key=start
        )
    )
    next_cursor = None
    if len(items) > limit:
        next_cursor = cursors.wrap(items[limit - 1].rank)
    return [_to_summary(i) for i in items[:limit]], next_cursor


def reports_summary(*, image_id: str) -> ReportSummary | None:
    try:
        item = ReportItem.get(image_id, SUMMARY, consistent_read=True)
    except DoesNotExist:
        return None
    return _to_summary(item) if item.queue else None


def reports_summaries(*, image_ids: list[str]) -> dict[str, ReportSummary]:
    """Open report summaries of these images: one GetItem each (a page holds at most 100;
    the web function's role has no BatchGetItem)."""
    found = {}
    for image_id in dict.fromkeys(image_ids):
        summary = reports_summary(image_id=image_id)
        if summary is not None:
            found[image_id] = summary
    return found


def reports_list(*, image_id: str, limit: int = 100) -> list[Report]:
    """The image's reports, newest first (open and closed)."""
    items = ReportItem.query(
        image_id, ReportItem.sk.startswith("report#"), scan_index_forward=False, limit=limit
    )
    return [
        Report(image_id=i.pk, reason=i.reason or "", note=i.note or "", reporter=i.reporter or "", at=i.at)
        for i in items
    ]


def reports_open_count(*, image_id: str) -> int:
    """How many open reports the image has (0 when none): read before a decision, so
    closing them afterwards closes only those (``reports_close(seen=...)``)."""
    return _summary_count(image_id)


def reports_close(*, image_id: str, seen: int | None = None) -> bool:
    """A moderator decided: the open reports leave the queue (the reports themselves stay).
    With ``seen`` (the count read before deciding), a report that arrived meanwhile keeps
    the image in the queue, with all its open reports, for a moderator to look at again.
    False when that happened."""
    condition = None
    if seen is not None:
        condition = ReportItem.count.does_not_exist() | (ReportItem.count <= seen)
    try:
        ReportItem(image_id, SUMMARY).delete(condition=condition)
    except DeleteError as exc:
        if not is_conditional_failure(exc):
            raise
        return False
    except DoesNotExist:
        pass
    return True
