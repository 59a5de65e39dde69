"""Moderation's tables: created locally by `manage.py ensure_stores` and the tests."""

from moderation.items import AuditItem, InvalidationItem, ReportItem

MODELS = (AuditItem, ReportItem, InvalidationItem)


def moderation_stores_ensure() -> dict[str, bool]:
    created = {}
    for model in MODELS:
        exists = model.exists()
        if not exists:
            model.create_table(wait=True, ignore_update_ttl_errors=True)
        created[model.Meta.table_name] = not exists
    return created
