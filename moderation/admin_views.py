"""The moderation screens of the admin (mounted by moderation/admin_site.py): the queues
per state, one image's page with its history, and the audit log with its CSV export.

Interfaces only: each parses the request, calls a service and reports back with
messages and ngettext, as django/contrib/admin/actions.py does.
"""

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from gallery import services as gallery
from gallery.exceptions import GalleryError, ImageNotFound
from moderation import services
from moderation.exceptions import ModerationError
from moderation.reasons import DECISION_REASONS, IMAGE_ACTIONS, REPORT_REASONS

QUEUES = {
    "pending_review": "Awaiting review",
    "reported": "Reported",
    "appealed": "Appealed",
    "quarantined": "Quarantined",
    "hidden": "Hidden",
    "removed": "Removed",
}
NO_PREVIEW = ("quarantined", "removed")  # no renditions, or files that must not be shown
# The actions each queue offers (a selection's decision).
QUEUE_ACTIONS = {
    "pending_review": ("approve", "hide", "takedown", "remove"),
    "reported": ("dismiss", "approve", "hide", "takedown", "remove"),
    "appealed": ("restore", "hide", "remove"),
    "quarantined": ("remove",),
    "hidden": ("restore", "remove"),
    "removed": (),
}
DONE = {
    "approve": "approved",
    "hide": "hidden",
    "restore": "restored",
    "takedown": "taken down",
    "remove": "removed",
    "dismiss": "cleared of reports",
}
AUDIT_ACTIONS = (*IMAGE_ACTIONS, "unhide", "appeal", "ban", "unban", "ban_hide")
CSV_COLUMNS = (
    "at",
    "actor",
    "action",
    "reason",
    "note",
    "image_id",
    "user_id",
    "before",
    "after",
    "invalidation_id",
)
CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _owners(ids) -> dict[str, str]:
    ids = {i for i in ids if i and str(i).isdigit()}
    users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
    return {str(pk): name for pk, name in users}


def _decide(request, image_ids: list[str]) -> None:
    action = request.POST.get("action", "")
    if action not in IMAGE_ACTIONS:
        messages.warning(request, "Choose an action.")
        return
    if not image_ids:
        messages.warning(request, "Select at least one image.")
        return
    try:
        done, failed = services.images_decide(
            image_ids=image_ids,
            action=action,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except ModerationError as exc:
        messages.error(request, exc.detail)
        return
    for image_id, why in failed.items():
        messages.error(request, f"{image_id}: {why}")
    if done:
        count = len(done)
        messages.success(
            request,
            ngettext("%(count)d image %(what)s.", "%(count)d images %(what)s.", count)
            % {"count": count, "what": DONE[action]},
        )
        if action in ("takedown", "remove"):
            messages.info(
                request,
                ngettext(
                    "CDN invalidation requested for %(count)d image.",
                    "CDN invalidation requested for %(count)d images.",
                    count,
                )
                % {"count": count},
            )


QUEUE_PAGE = 50  # images per page of a queue


def _rows(images: list, state: str) -> list[dict]:
    owners = _owners(i.owner for i in images)
    summaries = services.reports_summaries(image_ids=[i.id for i in images])
    return [
        {
            "image": image,
            "owner": owners.get(image.owner, image.owner),
            "reports": summaries.get(image.id),
            "preview": state not in NO_PREVIEW and image.status != "removed",
        }
        for image in images
    ]


def queue(request, site):
    state = request.GET.get("state", "pending_review")
    if state not in QUEUES:
        state = "pending_review"
    here = f"{reverse('admin:moderation')}?{urlencode({'state': state})}"
    if request.method == "POST":
        _decide(request, request.POST.getlist("selected"))
        return redirect(here)
    next_cursor = None
    if state == "reported":
        # Most reports first, then the oldest: the order of the reports' sparse index.
        try:
            summaries, next_cursor = services.reports_queue_page(
                cursor=request.GET.get("cursor"), limit=QUEUE_PAGE
            )
        except GalleryError:
            return redirect(here)
        images = []
        for summary in summaries:
            try:
                images.append(gallery.image_get(image_id=summary.image_id))
            except ImageNotFound:
                continue
    else:
        try:
            page = gallery.image_list_moderation(
                state=state, cursor=request.GET.get("cursor"), limit=QUEUE_PAGE
            )
        except GalleryError:
            return redirect(here)
        images, next_cursor = page.images, page.next_cursor
    context = {
        **site.each_context(request),
        "title": f"Moderation: {QUEUES[state].lower()}",
        "state": state,
        "queues": QUEUES,
        "rows": _rows(images, state),
        "actions": {a: IMAGE_ACTIONS[a] for a in QUEUE_ACTIONS[state]},
        "reasons": DECISION_REASONS,
        "report_reasons": REPORT_REASONS,
        "next_cursor": next_cursor,
    }
    return TemplateResponse(request, "admin/moderation/queue.html", context)


def image(request, site, image_id):
    if request.method == "POST":
        _decide(request, [image_id])
        return redirect("admin:moderation_image", image_id=image_id)
    try:
        image = gallery.image_get(image_id=image_id)
    except ImageNotFound:
        raise Http404("No such image.") from None
    history = services.audit_history(image_id=image_id)
    invalidation_ids = [e.invalidation_id for e in history if e.invalidation_id]
    preview = image.moderation_state not in NO_PREVIEW and image.status not in ("removed", "quarantined")
    context = {
        **site.each_context(request),
        "title": f"Moderate “{image.display_title}”",
        "image": image,
        "preview": preview,
        "owner_name": _owners([image.owner]).get(image.owner, image.owner),
        "history": history,
        "summary": services.reports_summary(image_id=image_id),
        "reports": services.reports_list(image_id=image_id, limit=50),
        "invalidations": services.invalidations_get(ids=invalidation_ids),
        "actions": IMAGE_ACTIONS,
        "reasons": DECISION_REASONS,
        "report_reasons": REPORT_REASONS,
        "can_audit": request.user.has_perm("moderation.view_auditlog"),
    }
    return TemplateResponse(request, "admin/moderation/image.html", context)


def _filters(request) -> dict:
    action = request.GET.get("action") or None
    actor = request.GET.get("moderator") or None
    image_id = (request.GET.get("image") or "").strip() or None
    return {
        "action": action if action in AUDIT_ACTIONS else None,
        "actor": actor if actor and actor.isdigit() else None,
        "image_id": image_id if image_id and len(image_id) <= 64 and image_id.isprintable() else None,
    }


def audit_log(request, site):
    filters = _filters(request)
    try:
        page = services.audit_list(**filters, cursor=request.GET.get("cursor"), limit=50)
    except ModerationError as exc:
        messages.warning(request, exc.detail)
        return redirect("admin:moderation_audit")
    moderators = (
        get_user_model().objects.filter(is_staff=True).order_by("username").values_list("pk", "username")
    )
    query = {
        k: v
        for k, v in {
            "action": filters["action"],
            "moderator": filters["actor"],
            "image": filters["image_id"],
        }.items()
        if v
    }
    context = {
        **site.each_context(request),
        "title": "Moderation: audit log",
        "entries": page.entries,
        "next_cursor": page.next_cursor,
        "filters": filters,
        "actions": AUDIT_ACTIONS,
        "moderators": [(str(pk), name) for pk, name in moderators],
        "reasons": DECISION_REASONS,
        "query": urlencode(query),
    }
    return TemplateResponse(request, "admin/moderation/audit.html", context)


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGEROUS) else text


class _Echo:
    def write(self, value):
        return value


def audit_csv(request, site):
    """The filtered log as CSV, streamed page by page from DynamoDB."""
    filters = _filters(request)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for e in services.audit_iter(**filters):
            yield writer.writerow(
                [
                    csv_safe(v)
                    for v in (
                        e.at.isoformat(),
                        e.actor_name or e.actor,
                        e.action,
                        e.reason,
                        e.note,
                        e.image_id,
                        e.user_id,
                        e.before,
                        e.after,
                        e.invalidation_id,
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moderation-audit.csv"'
    response["Cache-Control"] = "no-store"
    return response
