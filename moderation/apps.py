from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gallery import panels
        from moderation import checks  # noqa: F401  (registers system checks)
        from moderation.panels import owner_panel

        panels.register(owner_panel)

        from gallery import signals
        from moderation.receivers import invalidate_unshared

        signals.image_unshared.connect(invalidate_unshared, dispatch_uid="moderation.invalidate_unshared")
