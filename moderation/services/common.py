"""What the moderation services share: cleaning a reason and a note, and the clock."""

from datetime import UTC, datetime

from imageplatform import text
from moderation.exceptions import InvalidNote, InvalidReason
from moderation.reasons import NOTE_MAX


def now() -> datetime:
    return datetime.now(UTC)


def clean_reason(reason, allowed: dict) -> str:
    if not isinstance(reason, str) or reason not in allowed:
        raise InvalidReason(f"Choose a reason from: {', '.join(allowed)}.")
    return reason


def clean_note(note) -> str:
    if note is None or note == "":
        return ""
    try:
        return text.clean_text(note, limit=NOTE_MAX, label="Note", multiline=True)
    except text.InvalidText as exc:
        raise InvalidNote(str(exc)) from None


def is_conditional_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"
