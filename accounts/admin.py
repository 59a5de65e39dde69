from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import ngettext

from accounts import throttling
from accounts.models import ApiToken, SignupRecord
from accounts.throttling import LoginThrottleHandler


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at"]
    list_filter = ["created_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are made by their owner (shown once), not typed in here


@admin.register(SignupRecord)
class SignupRecordAdmin(admin.ModelAdmin):
    """Recent sign-ups by client address: what the sign-up limit counts. Deleting rows
    lets an address sign up again at once."""

    list_display = ["ip_address", "created_at"]
    search_fields = ["ip_address"]
    readonly_fields = ["ip_address", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    """axes' failed-login rows (one per username, address and browser), with the lock that
    applies to each row's username or address now. "Unlock" forgets every failure of the
    selected rows' usernames and addresses, as ``manage.py axes_reset_username`` does."""

    list_display = [
        "attempt_time",
        "username",
        "ip_address",
        "failures_since_start",
        "locked_until",
        "path_info",
        "user_agent",
    ]
    list_filter = ["attempt_time", "path_info"]
    list_per_page = 50
    actions = ["unlock"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = LoginThrottleHandler()

    @admin.display(description="Locked until")
    def locked_until(self, obj):
        filters = [{"username": obj.username}] if obj.username else []
        if obj.ip_address:
            filters.append({"ip_address": obj.ip_address})
        lock = throttling.login_lock_get(filters=filters, now=timezone.now())
        return lock.until if lock else "-"

    @admin.action(description="Unlock the usernames and addresses of the selected attempts")
    def unlock(self, request, queryset):
        rows = list(queryset.values_list("username", "ip_address"))
        deleted = throttling.login_lock_reset(
            usernames={u for u, _ in rows}, ip_addresses={a for _, a in rows}
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d failed-login record deleted.", "%(count)d failed-login records deleted.", deleted
            )
            % {"count": deleted},
            messages.SUCCESS,
        )
