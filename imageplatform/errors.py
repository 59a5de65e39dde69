"""The base of every error the apps' services raise on purpose.

Each carries a stable machine-readable ``code`` (the API's ``error`` field), a sentence
for people (``detail``) and the HTTP status interfaces answer with. No Django imports, so
pure modules (gallery.renditions) can raise them too. Each app subclasses it in its own
``exceptions.py``.
"""


class PlatformError(Exception):
    code = "error"
    status = 400
    default_detail = "The request could not be completed."

    def __init__(self, detail: str | None = None):
        self.detail = detail or self.default_detail
        super().__init__(self.detail)
