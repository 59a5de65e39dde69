from datetime import datetime


class AccountsError(Exception):
    """Base of the errors accounts' services raise."""


class SignupLimitReached(AccountsError):
    """Too many accounts were created from this client address within the window."""

    def __init__(self, *, until: datetime, retry_after: int):
        super().__init__(f"Sign-up limit reached; try again in {retry_after} s.")
        self.until = until
        self.retry_after = retry_after
