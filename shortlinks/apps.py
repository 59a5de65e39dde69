from django.apps import AppConfig


class ShortlinksConfig(AppConfig):
    name = "shortlinks"
    verbose_name = "Short links"

    def ready(self):
        from gallery import panels, signals
        from shortlinks import checks, receivers  # noqa: F401  (checks register themselves)
        from shortlinks.panels import share_panel

        signals.image_created.connect(receivers.create_default_link, dispatch_uid="shortlinks.default_link")
        signals.image_deleted.connect(receivers.revoke_links, dispatch_uid="shortlinks.revoke_links")
        signals.image_removed.connect(receivers.revoke_links, dispatch_uid="shortlinks.revoke_removed")
        panels.register(share_panel)
