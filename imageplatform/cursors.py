"""Opaque page cursors: a page's last key as URL-safe base64 without padding.

Each list (the gallery's indexes, the audit log, the reported queue) decides what goes in
and checks what comes out; this only wraps and unwraps the text."""

import base64

CURSOR_MAX = 512


def wrap(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def unwrap(cursor: object, max_length: int = CURSOR_MAX) -> str:
    """The text inside a cursor; ValueError for anything that is not one (not a string,
    too long, not base64, not UTF-8)."""
    if not isinstance(cursor, str) or len(cursor) > max_length:
        raise ValueError("not a cursor")
    return base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii")).decode()
