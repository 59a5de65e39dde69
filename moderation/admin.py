"""Ban and unban from the admin's user list (actions that ask a reason and a note first)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from moderation import services
from moderation.exceptions import ModerationError
from moderation.reasons import DECISION_REASONS

User = get_user_model()


class ModeratedUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "is_active")
    actions = ["ban_users", "unban_users"]

    def has_ban_permission(self, request):
        return request.user.has_perm("moderation.ban_users")

    def _ask_or_apply(self, request, queryset, verb: str):
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": f"{verb.capitalize()} users",
                "verb": verb,
                "users": queryset,
                "reasons": DECISION_REASONS,
                "action": f"{verb}_users",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/moderation/ban_confirm.html", context)
        reason, note = request.POST.get("reason", ""), request.POST.get("note", "")
        done = 0
        for user in queryset:
            try:
                if verb == "ban":
                    services.user_ban(user=user, reason=reason, note=note, actor=request.user)
                else:
                    services.user_unban(user=user, reason=reason, note=note, actor=request.user)
                done += 1
            except ModerationError as exc:
                messages.error(request, f"{user.get_username()}: {exc.detail}")
        if done:
            self.message_user(
                request,
                ngettext("%(count)d user %(what)s.", "%(count)d users %(what)s.", done)
                % {"count": done, "what": "banned" if verb == "ban" else "unbanned"},
                messages.SUCCESS,
            )
        return None

    @admin.action(description="Ban the selected users (hide their shared images)", permissions=["ban"])
    def ban_users(self, request, queryset):
        return self._ask_or_apply(request, queryset, "ban")

    @admin.action(description="Unban the selected users (show what the ban hid)", permissions=["ban"])
    def unban_users(self, request, queryset):
        return self._ask_or_apply(request, queryset, "unban")


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, ModeratedUserAdmin)
