"""Public moderation pages: "Report this image" (anyone) and the owner's appeal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gallery import services as gallery
from gallery.exceptions import GalleryError, ImageNotFound
from imageplatform.client_ip import client_ip_for_throttling
from moderation import services
from moderation.exceptions import ModerationError, ReportLimited
from moderation.reasons import REPORT_REASONS


def _not_found(request):
    return render(request, "404.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, image_id):
    """GET: the form; POST: record the report. Images the visitor may not see: 404."""
    try:
        image = gallery.image_get(image_id=image_id, with_urls=False)
    except ImageNotFound:
        return _not_found(request)
    if not image.is_shared:
        return _not_found(request)
    context = {"image": image, "report_reasons": REPORT_REASONS, "form_reason": request.POST.get("reason")}
    status = 200
    if request.method == "POST":
        try:
            result = services.report_create(
                image_id=image_id,
                reason=request.POST.get("reason"),
                note=request.POST.get("note"),
                reporter=str(request.user.pk) if request.user.is_authenticated else "",
                client=client_ip_for_throttling(request),
            )
        except ImageNotFound:
            return _not_found(request)
        except ReportLimited as exc:
            context["error"], status = exc.detail, 429
            response = render(request, "moderation/report.html", context, status=status)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except ModerationError as exc:
            context["error"], status = exc.detail, exc.status
        else:
            context["done"] = (
                "Thank you: moderators will look at this image."
                if result.counted
                else "You reported this image already; moderators will look at it."
            )
    return render(request, "moderation/report.html", context, status=status)


@login_required
@require_POST
def appeal(request, image_id):
    """The owner asks for a second look (once)."""
    try:
        services.image_appeal(image_id=image_id, owner=request.user)
    except ImageNotFound:
        return _not_found(request)
    except GalleryError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Thank you: a moderator will take a second look.")
    return redirect("gallery:detail", image_id=image_id)
