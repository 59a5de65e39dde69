"""Template helpers of the gallery's pages."""

from django import template
from django.contrib.auth import get_user_model

register = template.Library()


@register.simple_tag(takes_context=True)
def owner_name(context, image) -> str:
    """The name shown for an image's owner on shared pages: their full name if they gave
    one, else their username. One query per owner per page (remembered in the context)."""
    names = context.render_context.setdefault("gallery_owner_names", {})
    if image.owner not in names:
        user = get_user_model().objects.filter(pk=image.owner).first() if image.owner.isdigit() else None
        names[image.owner] = (user.get_full_name().strip() or user.get_username()) if user else "someone"
    return names[image.owner]
