"""The gallery registers nothing with the admin: its images live in DynamoDB, and the
moderation screens for them are moderation's (moderation/admin_site.py)."""
