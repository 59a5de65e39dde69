"""A request's charset must be a text encoding before Django decodes anything with it.

Django accepts any codec Python knows as a request charset (``codecs.lookup``), including
ones that are not text encodings (``base64``, ``rot13``); decoding the query string with
such a codec raises LookupError inside WSGIRequest, before any middleware runs, so the
answer is a 500. ``install()`` (called once from PlatformConfig.ready()) makes Django ignore
such a charset when it sets the request's encoding; the malformed-request middleware then
refuses the request with a 415 that names it.
"""

import codecs

from django.http import HttpRequest
from django.utils.http import parse_header_parameters

_installed = False


def is_text_encoding(name: str) -> bool:
    try:
        return codecs.lookup(name)._is_text_encoding
    except (LookupError, TypeError):
        return False


def install() -> None:
    global _installed
    if _installed:
        return
    original = HttpRequest._set_content_type_params

    def _set_content_type_params(self, meta):
        content_type = meta.get("CONTENT_TYPE", "")
        try:
            _, params = parse_header_parameters(content_type)
        except ValueError:
            return original(self, meta)  # Django answers 400 for it
        charset = params.get("charset")
        if not charset or is_text_encoding(charset):
            return original(self, meta)
        # Set up as if no charset was sent (DEFAULT_CHARSET), but keep the parameter so the
        # malformed-request middleware sees it and answers 415.
        original(self, {**meta, "CONTENT_TYPE": content_type.split(";", 1)[0]})
        self.content_params = params

    HttpRequest._set_content_type_params = _set_content_type_params
    _installed = True
