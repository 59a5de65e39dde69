"""Every store the platform uses, across apps: creating them locally and checking them.

``stores_ensure`` backs `manage.py ensure_stores` (and the test fixtures); ``stores_check``
backs /healthz. Each app offers its own part (``gallery_stores_ensure``,
``shortlink_stores_ensure``...); this module, above the apps, puts them together.
"""

from django.db import connection

from gallery import services as gallery
from moderation import services as moderation
from shortlinks import services as shortlinks


def stores_ensure() -> dict[str, bool]:
    """Create the bucket and the tables when missing (idempotent): {name: created}."""
    return {
        **gallery.gallery_stores_ensure(),
        **shortlinks.shortlink_stores_ensure(),
        **moderation.moderation_stores_ensure(),
    }


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def stores_check() -> dict[str, str]:
    """Reach every store; {store: "ok" | "error: <exception name>"} (never raises)."""
    probes = {
        **gallery.gallery_stores_check(),
        **shortlinks.shortlink_stores_check(),
        "database": _database,
    }
    checks = {}
    for name, probe in probes.items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # a health check reports, it does not raise
            checks[name] = f"error: {type(exc).__name__}"
    return checks
