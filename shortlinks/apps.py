from django.apps import AppConfig


class ShortlinksConfig(AppConfig):
    name = "shortlinks"
    verbose_name = "Short links"
