"""Moderation's rows in Django's database: the permissions, and the record of each ban.

Images, reports and the audit log live in DynamoDB (moderation/items.py); users live
here, so what a ban hid is recorded beside the user it is about.
"""

from django.conf import settings
from django.db import models


class Moderation(models.Model):
    """Holds moderation's permissions; no table (there is nothing to store)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("moderate_images", "Can review, hide, remove and take down images"),
            ("ban_users", "Can ban and unban users"),
            ("view_auditlog", "Can view and export the moderation audit log"),
        ]

    def __str__(self):
        return "Moderation"


class Ban(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bans")
    reason = models.CharField(max_length=40)
    note = models.TextField(blank=True, default="")
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    banned_at = models.DateTimeField(auto_now_add=True)
    # Exactly the images this ban hid: unbanning shows these again and nothing else.
    hidden_image_ids = models.JSONField(default=list)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-banned_at"]

    def __str__(self):
        return f"Ban of {self.user} ({self.banned_at:%Y-%m-%d})"
