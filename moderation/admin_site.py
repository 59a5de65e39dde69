"""The admin site, with moderation's screens.

Images live in DynamoDB and ModelAdmin only works with ORM models, so the moderation
screens are plain views added through AdminSite.get_urls() and wrapped in admin_view()
(staff only, never cached); each also needs its moderation permission (403 without).
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path

from moderation import admin_views

MODERATE = "moderation.moderate_images"
AUDIT = "moderation.view_auditlog"


def needs(permission: str):
    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorate


class PlatformAdminSite(admin.AdminSite):
    site_header = "Imageplatform administration"
    site_title = "Imageplatform admin"
    index_template = "admin/platform_index.html"

    def get_urls(self):
        def view(fn, permission):
            wrapped = needs(permission)(fn)
            return self.admin_view(lambda request, *a, **kw: wrapped(request, self, *a, **kw))

        urls = [
            path("moderation/", view(admin_views.queue, MODERATE), name="moderation"),
            path("moderation/audit/", view(admin_views.audit_log, AUDIT), name="moderation_audit"),
            path("moderation/audit.csv", view(admin_views.audit_csv, AUDIT), name="moderation_audit_csv"),
            path("moderation/<str:image_id>/", view(admin_views.image, MODERATE), name="moderation_image"),
        ]
        return urls + super().get_urls()
