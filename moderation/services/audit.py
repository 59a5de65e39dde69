"""The audit log: every moderation decision, written once and never changed.

Each entry is one conditional put (``attribute_not_exists(id)``), so an entry can never be
overwritten. Pages are Queries on an index (never a Scan), newest first: all decisions
(``log-at-index``), one image's history, one moderator's, or one action's; a second
filter is applied to the Query of the first.
"""

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from pynamodb.exceptions import PutError

from imageplatform import cursors
from moderation.exceptions import AuditEntryExists, ModerationError
from moderation.items import AuditItem
from moderation.services.common import is_conditional_failure, now

CURSOR_MAX = 512


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: datetime
    actor: str
    actor_name: str
    action: str
    reason: str
    note: str
    image_id: str | None
    user_id: str | None
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    invalidation_id: str | None = None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: str | None


def _plain(value):
    return value.as_dict() if hasattr(value, "as_dict") else dict(value or {})


def _to_entry(item: AuditItem) -> AuditEntry:
    return AuditEntry(
        id=item.id,
        at=item.at,
        actor=item.actor,
        actor_name=item.actor_name or "",
        action=item.action,
        reason=item.reason or "",
        note=item.note or "",
        image_id=item.image_id,
        user_id=item.user_id,
        before=_plain(item.before),
        after=_plain(item.after),
        invalidation_id=item.invalidation_id,
    )


def audit_record(
    *,
    actor: str,
    actor_name: str = "",
    action: str,
    reason: str = "",
    note: str = "",
    image_id: str | None = None,
    user_id: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    invalidation_id: str | None = None,
    entry_id: str | None = None,
) -> AuditEntry:
    """Append one decision. AuditEntryExists if ``entry_id`` is taken (never overwritten)."""
    at = now()
    item = AuditItem(
        entry_id or f"{at.strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(6)}",
        at=at,
        actor=actor,
        actor_name=actor_name,
        action=action,
        reason=reason,
        note=note,
        image_id=image_id,
        user_id=user_id,
        before=before or {},
        after=after or {},
        invalidation_id=invalidation_id,
    )
    try:
        item.save(condition=AuditItem.id.does_not_exist())
    except PutError as exc:
        if is_conditional_failure(exc):
            raise AuditEntryExists from None
        raise
    return _to_entry(item)


# --------------------------------------------------------------------------- reading
def _encode(item: AuditItem, key_name: str) -> str:
    return cursors.wrap(
        json.dumps({"id": item.id, "k": getattr(item, key_name), "at": AuditItem.at.serialize(item.at)})
    )


def _decode(cursor: str, key_name: str, key_value: str) -> dict:
    try:
        raw = json.loads(cursors.unwrap(cursor, CURSOR_MAX))
        if raw["k"] != key_value or not all(isinstance(raw[k], str) for k in ("id", "at")):
            raise ValueError
        AuditItem.at.deserialize(raw["at"])
    except (ValueError, KeyError, TypeError):
        raise ModerationError("That page of the log does not exist; start again from the newest.") from None
    return {"id": {"S": raw["id"]}, key_name: {"S": key_value}, "at": {"S": raw["at"]}}


def _query(action: str | None, actor: str | None, image_id: str | None):
    """(index, hash attribute name, value, filter): the most selective index first."""
    filters = []
    if image_id:
        index, name, value = AuditItem.image_index, "image_id", image_id
    elif actor:
        index, name, value = AuditItem.actor_index, "actor", actor
    elif action:
        index, name, value = AuditItem.action_index, "action", action
    else:
        index, name, value = AuditItem.log_index, "log", "all"
    if actor and name != "actor":
        filters.append(AuditItem.actor == actor)
    if action and name != "action":
        filters.append(AuditItem.action == action)
    condition = None
    for f in filters:
        condition = f if condition is None else condition & f
    return index, name, value, condition


def audit_list(
    *,
    action: str | None = None,
    actor: str | None = None,
    image_id: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> AuditPage:
    """A page of decisions, newest first, filtered by action, moderator (user id) and image."""
    limit = max(1, min(int(limit), 200))
    index, name, value, condition = _query(action, actor, image_id)
    start = _decode(cursor, name, value) if cursor else None
    results = index.query(
        value,
        scan_index_forward=False,
        filter_condition=condition,
        last_evaluated_key=start,
        page_size=limit + 1,
    )
    items = []
    for item in results:
        items.append(item)
        if len(items) > limit:
            break
    next_cursor = _encode(items[limit - 1], name) if len(items) > limit else None
    return AuditPage(entries=[_to_entry(i) for i in items[:limit]], next_cursor=next_cursor)


def audit_iter(
    *, action: str | None = None, actor: str | None = None, image_id: str | None = None
) -> Iterator[AuditEntry]:
    """Every matching decision, newest first, fetched page by page (for the CSV export)."""
    index, _, value, condition = _query(action, actor, image_id)
    for item in index.query(value, scan_index_forward=False, filter_condition=condition, page_size=500):
        yield _to_entry(item)


def audit_history(*, image_id: str) -> list[AuditEntry]:
    """An image's decisions, newest first."""
    return list(audit_iter(image_id=image_id))
