"""Cleaning of text people type: titles, captions, alt text, file names, passwords, notes.

Everything a user can store goes through ``clean_text`` at the service boundary, so no
stored string can break a page, a template, a JSON answer or a DynamoDB write later:
- lone UTF-16 surrogates (``"\\ud800"`` arrives through JSON) cannot be encoded as UTF-8:
  refused, with the field named, or replaced where refusing helps nobody (file names);
- NUL and other control characters are removed (tab and newline are kept where a field is
  multi-line);
- bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make text
  read differently from what it is, are removed;
- the result is NFC-normalised and trimmed, then checked against the length limit.
"""

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class InvalidText(ValueError):
    """The text cannot be stored; ``str(exc)`` says why, naming the field."""


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _replace_surrogates(value: str) -> str:
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)


def _keep(char: str, multiline: bool) -> bool:
    if char in BIDI_CONTROLS:
        return False
    if char in "\n\t":
        return multiline
    return unicodedata.category(char) != "Cc"


def clean_text(
    value, *, limit: int, label: str, multiline: bool = False, replace_invalid: bool = False
) -> str:
    """The stored form of ``value``; InvalidText when it cannot be stored."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidText(f"{label} must be text.")
    if _has_surrogate(value):
        if not replace_invalid:
            raise InvalidText(f"{label} contains characters that are not valid text.")
        value = _replace_surrogates(value)
    if len(value) > limit * 4:  # refuse huge input before doing any work on it
        raise InvalidText(f"{label} is too long (at most {limit} characters).")
    value = "".join(c if _keep(c, multiline) else (" " if c in "\n\t" else "") for c in value)
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > limit:
        raise InvalidText(f"{label} is too long (at most {limit} characters).")
    return value


def clean_filename(value, *, limit: int = 200) -> str:
    """A file name as the uploader's system gave it, made safe to store and show: no path,
    no control or bidi characters, invalid characters replaced, at most ``limit`` long
    (the end is kept: it holds the extension)."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\\", "/").rsplit("/", 1)[-1]
    value = _replace_surrogates(value)
    value = "".join(c for c in value if _keep(c, False))
    value = unicodedata.normalize("NFC", value).strip()
    return value[-limit:]
