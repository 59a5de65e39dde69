"""System checks of the short links app."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_table_configured(app_configs, **kwargs):
    if getattr(settings, "SHORTLINKS_TABLE", ""):
        return []
    return [
        Error(
            "SHORTLINKS_TABLE is not set.",
            hint="Set the environment variable SHORTLINKS_TABLE (Terraform outputs it).",
            id="shortlinks.E001",
        )
    ]
