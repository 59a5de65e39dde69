"""What can go wrong with a short link. PlatformErrors, so the API's handler renders them
as JSON ``{"error": code, "detail": text}`` with their status."""

from imageplatform.errors import PlatformError


class ShortLinkError(PlatformError):
    code = "invalid_link"
    default_detail = "The short link could not be made."


class InvalidLinkOption(ShortLinkError):
    """An option of a new link (target, expiry, visit limit, password) is not valid."""

    code = "invalid_link_option"


class ShortCodeExhausted(ShortLinkError):
    """Every generated code collided with an existing one (practically impossible)."""

    code = "code_exhausted"
    status = 503
    default_detail = "No free short code was found; try again."


class ShortLinkNotFound(ShortLinkError):
    """Unknown, revoked, expired, used up, or pointing at an image that is not shared.

    One exception for all of these on purpose: a code must reveal nothing.
    """

    code = "not_found"
    status = 404
    default_detail = "No such link."


class PasswordRequired(ShortLinkError):
    code = "password_required"
    status = 401
    default_detail = "This link is protected by a password."


class PasswordIncorrect(PasswordRequired):
    code = "password_incorrect"
    default_detail = "The password is not correct."


class TooManyAttempts(ShortLinkError):
    code = "too_many_attempts"
    status = 429
    default_detail = "Too many password attempts. Try again later."

    def __init__(self, detail: str | None = None, retry_after: int = 900):
        super().__init__(detail)
        self.retry_after = retry_after
