"""System checks: fail early, with a hint, on configuration the gallery cannot work with."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_pillow_formats(app_configs, **kwargs):
    from PIL import features

    errors = []
    for feature, check_id in (("webp", "gallery.E001"), ("avif", "gallery.E002")):
        if not features.check(feature):
            errors.append(
                Error(
                    f"Pillow lacks {feature.upper()} support.",
                    hint="Install the Pillow wheel from PyPI (it bundles libwebp and libavif).",
                    id=check_id,
                )
            )
    return errors


@register()
def check_stores_configured(app_configs, **kwargs):
    errors = []
    for name, check_id in (
        ("GALLERY_BUCKET", "gallery.E003"),
        ("GALLERY_TABLE", "gallery.E004"),
    ):
        if not getattr(settings, name, ""):
            errors.append(
                Error(
                    f"{name} is not set.",
                    hint=f"Set the environment variable {name} (Terraform outputs it).",
                    id=check_id,
                )
            )
    return errors


@register()
def check_scanner(app_configs, **kwargs):
    from gallery import scanning

    name = getattr(settings, "GALLERY_SCANNER", "none")
    if name not in scanning.SCANNERS:
        return [
            Error(
                f"GALLERY_SCANNER is {name!r}, not a known scanner.",
                hint=f"Set GALLERY_SCANNER to one of: {', '.join(scanning.SCANNERS)} (docs/scanning.md).",
                id="gallery.E005",
            )
        ]
    if name == "clamd":
        try:
            scanning.clamd_address(getattr(settings, "GALLERY_CLAMD_URL", ""))
        except ValueError as exc:
            return [
                Error(
                    f"GALLERY_CLAMD_URL is not usable: {exc}.",
                    hint="Use tcp://host:port or unix:///path/to/clamd.ctl (docs/scanning.md).",
                    id="gallery.E006",
                )
            ]
    return []
