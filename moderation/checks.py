from django.conf import settings
from django.core.checks import Warning, register

TABLE_SETTINGS = ("MODERATION_AUDIT_TABLE", "MODERATION_REPORTS_TABLE", "PLATFORM_INVALIDATIONS_TABLE")


@register()
def check_tables(app_configs, **kwargs):
    return [
        Warning(
            f"{name} is not set: moderation cannot record decisions or reports.",
            hint=f"Set the environment variable {name} (Terraform outputs it in table_names_by_setting).",
            id=f"moderation.W00{n}",
        )
        for n, name in enumerate(TABLE_SETTINGS, start=1)
        if not getattr(settings, name, "")
    ]
