"""Pages of the signed-in user's gallery. Each view parses input, calls one service and
turns the result or the exception into a response."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from gallery import panels, services
from gallery.exceptions import GalleryError, ImageNotFound, RenditionNotFound
from gallery.forms import BULK_ACTIONS, BulkActionForm, CustomSizeForm, GalleryFilterForm, ImageEditForm

# Messages about custom sizes are shown next to that form, not at the top of the page.
SIZES_MESSAGE = "sizes"


def _owner(request) -> str:
    return str(request.user.pk)


def _get_own(request, image_id):
    try:
        return services.image_get(image_id=image_id, owner=_owner(request))
    except ImageNotFound:
        raise Http404("No such image.") from None


def index(request):
    """Signed in: the owner's gallery (searched, filtered, sorted, paged). Signed out: the
    landing page that says what this is."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    form = GalleryFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {k: v for k, v in filters.items() if v}
    narrowing = {
        "visibility": filters.get("visibility"),
        "status": filters.get("status"),
        "search": filters.get("q"),
        "uploaded_from": filters.get("uploaded_from"),
        "uploaded_to": filters.get("uploaded_to"),
    }
    try:
        page = services.image_list(
            owner=_owner(request),
            cursor=request.GET.get("cursor"),
            sort=filters.get("sort", "newest"),
            **narrowing,
        )
    except GalleryError:
        return redirect("gallery:index")
    # Photos without a date taken are not in that order's index: say how many, once.
    without_date = None
    if form.by_date_taken and not request.GET.get("cursor"):
        without_date = services.image_count_without_date(owner=_owner(request), **narrowing)
    params = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in filters.items()}
    query = urlencode(params)
    selecting = request.GET.get("select") in ("1", "all")
    return render(
        request,
        "gallery/index.html",
        {
            "images": page.images,
            "next_cursor": page.next_cursor,
            "is_first_page": not request.GET.get("cursor"),
            "filter_form": form,
            "filtered": bool(set(filters) - {"sort"}),
            "without_date": without_date,
            "upload_order_query": urlencode({k: v for k, v in params.items() if k != "sort"}),
            "query": query,
            "selecting": selecting,
            "select_all": request.GET.get("select") == "all",
            "here": request.get_full_path(),
        },
    )


def _next(request) -> str:
    """The gallery page a bulk action came from (this site's only), else the gallery."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("gallery:index")


def _back(request):
    return HttpResponseRedirect(_next(request))


@login_required
@require_POST
def bulk(request):
    """One action on the selected images, each through its service; a summary after.
    Deleting asks first, naming the count (the confirmation posts back with confirm=1)."""
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request)
    ids, action = form.cleaned_data["ids"], form.verb
    if action == "delete" and not form.cleaned_data["confirm"]:
        return render(
            request,
            "gallery/bulk_delete.html",
            {"ids": ids, "count": len(ids), "next": _next(request)},
        )
    done = failed = 0
    for image_id in ids:
        try:
            if action == "delete":
                services.image_delete(image_id=image_id, owner=_owner(request))
            else:
                services.image_update(image_id=image_id, owner=_owner(request), visibility=action)
        except GalleryError:
            failed += 1
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(n)d image %(what)s.", "%(n)d images %(what)s.", done)
            % {"n": done, "what": BULK_ACTIONS[action]},
        )
    if failed:
        messages.error(
            request,
            ngettext("%(n)d image could not be changed.", "%(n)d images could not be changed.", failed)
            % {"n": failed},
        )
    return _back(request)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _upload_result(request, uploaded) -> dict:
    try:
        image = services.image_upload(
            owner=_owner(request),
            data=uploaded.read(),
            filename=uploaded.name or "",
            title=request.POST.get("title", ""),
            visibility=request.POST.get("visibility") or "private",
        )
    except GalleryError as exc:
        return {
            "filename": uploaded.name,
            "ok": False,
            "error": exc.code,
            "detail": exc.detail,
            "status": exc.status,
        }
    thumb = image.rendition("thumb")
    return {
        "filename": uploaded.name,
        "ok": True,
        "id": image.id,
        "status": image.status,
        "title": image.display_title,
        "url": reverse("gallery:detail", args=[image.id]),
        "thumb_url": thumb.url if thumb else None,
        "width": image.width,
        "height": image.height,
    }


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    if request.method == "GET":
        return render(
            request,
            "gallery/upload.html",
            {
                "max_bytes": settings.GALLERY_MAX_UPLOAD_BYTES,
                "inline_max_bytes": settings.GALLERY_MAX_INLINE_UPLOAD_BYTES,
                "visibilities": services.VISIBILITIES,
            },
        )
    files = request.FILES.getlist("file") + request.FILES.getlist("files")
    if not files:
        detail = "Choose at least one image file."
        if _wants_json(request):
            return JsonResponse({"error": "missing_file", "detail": detail}, status=400)
        messages.error(request, detail)
        return redirect("gallery:upload")
    results = [_upload_result(request, f) for f in files]
    if _wants_json(request):
        if len(results) == 1 and not results[0]["ok"]:
            r = results[0]
            return JsonResponse(
                {"error": r["error"], "detail": r["detail"], "results": results}, status=r["status"]
            )
        return JsonResponse({"results": results}, status=201 if all(r["ok"] for r in results) else 207)
    for r in results:
        if r["ok"]:
            messages.success(request, f"Uploaded {r['filename']}.")
        else:
            messages.error(request, f"{r['filename']}: {r['detail']}")
    return redirect("gallery:index")


@login_required
def detail(request, image_id):
    image = _get_own(request, image_id)
    newer, older = services.image_neighbours(image=image)
    if request.GET.get("view") == "1":
        # The viewer: the image large, with previous / next / close as plain links
        # (viewer.js adds the keys, swipes and full screen).
        detail_url = reverse("gallery:detail", args=[image.id])
        return render(
            request,
            "gallery/viewer.html",
            {
                "image": image,
                "close_url": detail_url,
                "prev_url": newer and f"{reverse('gallery:detail', args=[newer])}?view=1",
                "next_url": older and f"{reverse('gallery:detail', args=[older])}?view=1",
            },
        )
    return _detail_page(request, image, newer=newer, older=older)


def _detail_page(request, image, *, newer=None, older=None, size_form=None, status=200):
    edit_form = ImageEditForm(
        initial={
            "title": image.title,
            "caption": image.caption,
            "alt_text": image.alt_text,
            "visibility": image.visibility,
        }
    )
    return render(
        request,
        "gallery/detail.html",
        {
            "image": image,
            "edit_form": edit_form,
            "size_form": size_form or CustomSizeForm(),
            "max_side": settings.GALLERY_MAX_CUSTOM_SIDE,
            "panels": panels.detail_panels(request, image),
            "newer": newer,
            "older": older,
        },
        status=status,
    )


@login_required
@require_POST
def edit(request, image_id):
    form = ImageEditForm(request.POST)
    if form.is_valid():
        try:
            services.image_update(image_id=image_id, owner=_owner(request), **form.cleaned_data)
        except ImageNotFound:
            raise Http404("No such image.") from None
        except GalleryError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "Saved.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("gallery:detail", image_id=image_id)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, image_id):
    if request.method == "GET":
        return render(request, "gallery/delete.html", {"image": _get_own(request, image_id)})
    try:
        services.image_delete(image_id=image_id, owner=_owner(request))
    except ImageNotFound:
        raise Http404("No such image.") from None
    messages.success(request, "Deleted the image and all its files.")
    return redirect("gallery:index")


@login_required
@require_POST
def custom_size(request, image_id):
    """Make a custom size. A refusal is shown next to the form with the typed values kept
    (the page again, 400); success redirects, with its message next to the form too."""
    form = CustomSizeForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, _get_own(request, image_id), size_form=form, status=400)
    data = form.cleaned_data
    try:
        rendition = services.rendition_create(
            image_id=image_id,
            owner=_owner(request),
            width=data.get("width"),
            height=data.get("height"),
            mode=data["mode"],
            fmt=data["format"],
        )
    except ImageNotFound:
        raise Http404("No such image.") from None
    except GalleryError as exc:
        form.add_error(None, exc.detail)
        return _detail_page(request, _get_own(request, image_id), size_form=form, status=exc.status)
    messages.success(
        request,
        f"Made a {rendition.width}×{rendition.height} {rendition.format.upper()}.",
        extra_tags=SIZES_MESSAGE,
    )
    return redirect(f"{reverse('gallery:detail', args=[image_id])}#sizes")


@login_required
@require_POST
def custom_size_delete(request, image_id, name):
    try:
        services.rendition_delete(image_id=image_id, owner=_owner(request), name=name)
    except RenditionNotFound as exc:
        messages.error(request, exc.detail)
    except ImageNotFound:
        raise Http404("No such image.") from None
    else:
        messages.success(request, "Removed that size.", extra_tags=SIZES_MESSAGE)
    return redirect(f"{reverse('gallery:detail', args=[image_id])}#sizes")


@login_required
def original(request, image_id):
    """The untouched original, through a short-lived signed URL (owner only)."""
    image = _get_own(request, image_id)
    return HttpResponseRedirect(image.original_url)


@login_required
@require_POST
def retry(request, image_id):
    """ "Try again" on an image whose processing failed."""
    try:
        image = services.image_retry(image_id=image_id, owner=_owner(request))
    except ImageNotFound:
        raise Http404("No such image.") from None
    except GalleryError as exc:
        messages.error(request, exc.detail)
    except Exception:  # the store failed again: the image says so, the owner can retry later
        messages.error(request, "Processing failed again. Please try again in a few minutes.")
    else:
        messages.success(request, f"{image.display_title} is ready.")
    return redirect("gallery:detail", image_id=image_id)
