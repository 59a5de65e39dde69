"""The share panel of the image detail page (registered with gallery.panels)."""

from django.template.loader import render_to_string

from imageplatform.public import absolute_url
from shortlinks import services


def share_panel(request, image) -> str:
    links = services.shortlink_list(image=image)
    rows = [{"link": link, "url": absolute_url(request, link.path)} for link in reversed(links)]
    return render_to_string("shortlinks/_share_panel.html", {"image": image, "links": rows}, request=request)
