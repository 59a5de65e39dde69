"""API tokens (only a SHA-256 of the token is stored; the token itself is shown once) and
the sign-up records that the per-address sign-up limit counts."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "ipt_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=12, editable=False, help_text="First characters, to recognise a token."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.prefix}… ({self.name or 'unnamed'}) of {self.user}"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class SignupRecord(models.Model):
    """One account created from ``ip_address``; kept for ACCOUNTS_SIGNUP_WINDOW seconds."""

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["ip_address", "created_at"], name="accounts_signup_ip_time")]
        verbose_name = "sign-up record"

    def __str__(self):
        return f"Sign-up from {self.ip_address or 'unknown address'} at {self.created_at:%Y-%m-%d %H:%M}"
