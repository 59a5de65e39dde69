"""Moderation in the admin site.

Images live in DynamoDB, and ModelAdmin only works with ORM models, so the moderation
screens are plain views added through AdminSite.get_urls() and wrapped in
admin_view() (staff only, never cached). Bulk actions call a service and report back
with messages and ngettext, as django/contrib/admin/actions.py does.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import ngettext

from gallery import services
from gallery.exceptions import GalleryError, ImageNotFound

QUEUES = {"pending_review": "Awaiting review", "hidden": "Hidden"}
ACTION_LABELS = {"approve": "approved", "hide": "hidden", "unhide": "shown again"}


class PlatformAdminSite(admin.AdminSite):
    site_header = "Imageplatform administration"
    site_title = "Imageplatform admin"
    index_template = "admin/platform_index.html"

    def get_urls(self):
        urls = [
            path("moderation/", self.admin_view(self.moderation_queue), name="moderation"),
            path(
                "moderation/<str:image_id>/", self.admin_view(self.moderation_image), name="moderation_image"
            ),
        ]
        return urls + super().get_urls()

    def _owners(self, images) -> dict[str, str]:
        ids = {i.owner for i in images if i.owner.isdigit()}
        users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
        return {str(pk): name for pk, name in users}

    def _apply(self, request, action: str, image_ids: list[str]) -> None:
        done = 0
        for image_id in image_ids:
            try:
                services.image_moderate(image_id=image_id, action=action)
                done += 1
            except GalleryError as exc:
                messages.error(request, f"{image_id}: {exc.detail}")
        if done:
            messages.success(
                request,
                ngettext("%(count)d image %(what)s.", "%(count)d images %(what)s.", done)
                % {"count": done, "what": ACTION_LABELS[action]},
            )

    def moderation_queue(self, request):
        state = request.GET.get("state", "pending_review")
        if state not in QUEUES:
            state = "pending_review"
        if request.method == "POST":
            action = request.POST.get("action", "")
            selected = request.POST.getlist("selected")
            if action not in ACTION_LABELS:
                messages.warning(request, "Choose an action.")
            elif not selected:
                messages.warning(request, "Select at least one image.")
            else:
                self._apply(request, action, selected)
            return redirect(f"{reverse('admin:moderation')}?state={state}")
        try:
            page = services.image_list_moderation(state=state, cursor=request.GET.get("cursor"), limit=50)
        except GalleryError:
            return redirect(f"{reverse('admin:moderation')}?state={state}")
        owners = self._owners(page.images)
        context = {
            **self.each_context(request),
            "title": f"Moderation: {QUEUES[state].lower()}",
            "state": state,
            "queues": QUEUES,
            "rows": [{"image": i, "owner": owners.get(i.owner, i.owner)} for i in page.images],
            "next_cursor": page.next_cursor,
        }
        return TemplateResponse(request, "admin/moderation/queue.html", context)

    def moderation_image(self, request, image_id):
        if request.method == "POST":
            action = request.POST.get("action", "")
            if action in ACTION_LABELS:
                self._apply(request, action, [image_id])
            return redirect("admin:moderation_image", image_id=image_id)
        try:
            image = services.image_get(image_id=image_id)
        except ImageNotFound:
            raise Http404("No such image.") from None
        context = {
            **self.each_context(request),
            "title": f"Moderate “{image.display_title}”",
            "image": image,
            "owner_name": self._owners([image]).get(image.owner, image.owner),
        }
        return TemplateResponse(request, "admin/moderation/image.html", context)
