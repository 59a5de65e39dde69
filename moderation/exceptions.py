"""What can go wrong in moderation, as exceptions that say so (code and HTTP status)."""

from imageplatform.errors import PlatformError


class ModerationError(PlatformError):
    pass


class InvalidReason(ModerationError):
    code = "invalid_reason"
    default_detail = "Choose a reason from the list."


class InvalidNote(ModerationError):
    code = "invalid_note"
    default_detail = "The note is too long or contains characters that are not allowed."


class UnknownAction(ModerationError):
    code = "unknown_action"
    default_detail = "Choose an action from the list."


class ReportLimited(ModerationError):
    code = "too_many_reports"
    status = 429
    default_detail = "Too many reports from your address; try again later."

    def __init__(self, detail: str | None = None, *, retry_after: int = 60):
        super().__init__(detail)
        self.retry_after = retry_after


class AuditEntryExists(ModerationError):
    code = "audit_entry_exists"
    status = 409
    default_detail = "An audit entry with this id exists; entries are never overwritten."
