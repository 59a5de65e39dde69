"""Ban and unban from the admin's user list (actions that ask a reason and a note first)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import ngettext

from moderation import services
from moderation.exceptions import ModerationError
from moderation.reasons import DECISION_REASONS

User = get_user_model()


class ModeratedUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "is_active")
    actions = ["ban_users", "unban_users"]
    change_form_template = "admin/moderation/user_change_form.html"

    def has_ban_permission(self, request):
        return request.user.has_perm("moderation.ban_users")

    def get_urls(self):
        def ban_view(verb):
            def view(request, object_id):
                if not self.has_ban_permission(request):
                    raise PermissionDenied
                user = get_object_or_404(User, pk=object_id)
                answer = self._ask_or_apply(request, User.objects.filter(pk=user.pk), verb)
                return answer or redirect("admin:auth_user_change", user.pk)

            return self.admin_site.admin_view(view)

        return [
            path("<int:object_id>/ban/", ban_view("ban"), name="auth_user_ban"),
            path("<int:object_id>/unban/", ban_view("unban"), name="auth_user_unban"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_ban": self.has_ban_permission(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

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
