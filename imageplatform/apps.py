from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PlatformConfig(AppConfig):
    """The project itself as an app: its management commands (ensure_stores) and the
    once-per-process set-up of every entry point that loads Django (web, events,
    commands)."""

    name = "imageplatform"
    verbose_name = "Platform"

    def ready(self):
        from imageplatform import charset, process

        process.configure()
        charset.install()


class PlatformAdminConfig(AdminConfig):
    default_site = "moderation.admin_site.PlatformAdminSite"
