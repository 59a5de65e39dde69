"""Moderation's tables: created locally by `manage.py ensure_stores` and the tests."""

from moderation.items import AuditItem, InvalidationItem, ReportItem

MODELS = (AuditItem, ReportItem, InvalidationItem)


def moderation_stores_ensure() -> dict[str, bool]:
    """Create the tables when missing (idempotent): {name: created}. A table whose setting
    is unset is skipped (system check moderation.W00x says so)."""
    created = {}
    for model in MODELS:
        if not model.Meta.table_name:
            continue
        exists = model.exists()
        if not exists:
            model.create_table(wait=True, ignore_update_ttl_errors=True)
        created[model.Meta.table_name] = not exists
    return created
