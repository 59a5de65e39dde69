"""The owner's moderation panel on the image detail page (registered with gallery.panels):
when a moderator hid or removed the image, why, and the one appeal."""

from django.template.loader import render_to_string

from moderation.reasons import DECISION_REASONS


def owner_panel(request, image) -> str:
    if image.moderation_state not in ("hidden", "removed", "appealed") and not image.hidden:
        return ""
    return render_to_string(
        "moderation/_owner_panel.html",
        {"image": image, "removed": image.status == "removed", "reasons": DECISION_REASONS},
        request=request,
    )
