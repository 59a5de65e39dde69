"""Panels that other apps add to the image detail page.

The gallery does not know the apps built on it: an app registers a panel function in its
``AppConfig.ready()`` (``panels.register(fn)``), and the detail view calls each with the
request and the owner's ``Image`` it already holds. A panel returns rendered HTML; any
store access happens there, in the view's time, never from a template.
"""

from collections.abc import Callable

Panel = Callable[[object, object], str]
_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def detail_panels(request, image) -> list[str]:
    return [panel(request, image) for panel in _panels]
