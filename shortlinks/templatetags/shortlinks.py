"""``{% load shortlinks %}`` ``{% image_links image as links %}``: the signed-in owner's
links of an image (for the share panel on the detail page, a view that is not ours)."""

from django import template

from gallery.exceptions import ImageNotFound
from shortlinks import services

register = template.Library()


@register.simple_tag(takes_context=True)
def image_links(context, image) -> list[dict]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or str(user.pk) != image.owner:
        return []
    try:
        links = services.shortlink_list(image_id=image.id, owner=str(user.pk))
    except ImageNotFound:
        return []
    return [{"link": link, "url": request.build_absolute_uri(link.path)} for link in reversed(links)]
