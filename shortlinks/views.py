"""Public pages (short-link redirect, share page, public gallery) and the owner's link
actions. Each view parses input, calls one service and turns the result into a response.

Every answer of /s/<code> that is not a redirect or a password form is the same 404,
byte for byte and header for header, so a code reveals nothing about why it failed.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gallery import services as gallery
from gallery.exceptions import GalleryError, ImageNotFound
from imageplatform.client_ip import client_ip_for_throttling
from imageplatform.public import absolute_url
from shortlinks import grants, qr, services
from shortlinks.exceptions import (
    PasswordIncorrect,
    PasswordRequired,
    ShortLinkError,
    ShortLinkNotFound,
    TooManyAttempts,
)
from shortlinks.forms import LinkPasswordForm, ShortLinkForm


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def not_found(request):
    """The one 404 of short links and share pages: the site's 404 page, never cached."""
    return _no_store(render(request, "404.html", status=404))


def client_ip(request) -> str:
    """The visitor's address for the password-attempt limit (imageplatform.client_ip:
    the same rule as login throttling, CLIENT_IP_TRUSTED_PROXIES deep)."""
    return client_ip_for_throttling(request) or ""


def _password_page(request, code, *, error=None, status=200, headers=None):
    response = render(
        request,
        "shortlinks/password.html",
        {"form": LinkPasswordForm(), "code": code, "error": error},
        status=status,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return _no_store(response)


@require_http_methods(["GET", "POST"])
def redirect_link(request, code):
    password = request.POST.get("password", "") if request.method == "POST" else None
    try:
        found = services.shortlink_resolve(code=code, password=password, client=client_ip(request))
    except ShortLinkNotFound:
        return not_found(request)
    except TooManyAttempts as exc:
        return _password_page(
            request,
            code,
            error="Too many attempts. Wait a while and try again.",
            status=429,
            headers={"Retry-After": str(max(1, exc.retry_after))},
        )
    except PasswordIncorrect:
        return _password_page(request, code, error="That password is not correct.", status=403)
    except PasswordRequired:
        return _password_page(request, code)
    if found.file_url:  # a signed URL of one of our files; never user input
        return _no_store(HttpResponseRedirect(found.file_url))
    # The share page, with a grant that lets this visitor see it while the link lives.
    grant = grants.grant_make(image_id=found.image_id, code=found.code)
    url = f"{reverse('shortlinks:share', args=[found.image_id])}?{grants.QUERY}={grant}"
    response = _no_store(HttpResponseRedirect(url))
    _remember_grant(response, found.image_id, grant)
    return response


def _remember_grant(response, image_id: str, grant: str) -> None:
    response.set_cookie(
        grants.cookie_name(image_id),
        grant,
        max_age=settings.SHORTLINKS_GRANT_SECONDS,
        path=reverse("shortlinks:share", args=[image_id]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@require_GET
def share(request, image_id):
    from_query = request.GET.get(grants.QUERY)
    code = grants.grant_read(from_query, image_id=image_id) or grants.grant_read(
        request.COOKIES.get(grants.cookie_name(image_id)), image_id=image_id
    )
    viewer = str(request.user.pk) if request.user.is_authenticated else None
    try:
        image = services.share_get(image_id=image_id, grant_code=code, viewer=viewer)
    except ShortLinkNotFound:
        return not_found(request)
    # The grant travels in the viewer's links too, for visitors whose browser keeps no cookie.
    query_grant = from_query if from_query and grants.grant_read(from_query, image_id=image_id) else None
    grant_query = f"{urlencode({grants.QUERY: query_grant})}&" if query_grant else ""
    share_url = reverse("shortlinks:share", args=[image.id])
    if request.GET.get("view") == "1":
        # One image, large: no neighbours, only close (Esc) and full screen (viewer.js).
        response = render(
            request,
            "gallery/viewer.html",
            {"image": image, "shared": True, "close_url": f"{share_url}?{grant_query}".rstrip("?&")},
        )
        return _no_store(response)
    preview = image.large or image.medium or image.thumb
    og_image = image.medium or image.large or image.thumb
    short_path = (
        reverse("shortlinks:redirect", args=[code or image.short_code])
        if (code or image.short_code)
        else None
    )
    page_url = absolute_url(request, short_path or reverse("shortlinks:share", args=[image.id]))
    response = render(
        request,
        "shortlinks/share.html",
        {
            "image": image,
            "preview": preview,
            "og_image": og_image,
            "page_url": page_url,
            "viewer_url": f"{share_url}?{grant_query}view=1",
        },
    )
    if code and query_grant and grants.grant_read(query_grant, image_id=image_id) == code:
        _remember_grant(response, image.id, from_query)
    # File URLs in the page are short-lived signatures, and the owner can unshare at any time.
    return _no_store(response)


@require_GET
def public(request):
    cursor = request.GET.get("cursor") or None
    try:
        page = gallery.image_list_public(cursor=cursor, limit=settings.GALLERY_PAGE_SIZE)
    except GalleryError:
        return redirect("shortlinks:public")
    response = render(
        request,
        "gallery/public.html",
        {"images": page.images, "next_cursor": page.next_cursor, "is_first_page": cursor is None},
    )
    return _no_store(response)


@require_GET
def public_view(request, image_id):
    """The public gallery's viewer: one image large, previous and next walk the public
    feed (its sparse index). Anything not in the public gallery is the one 404."""
    try:
        image = gallery.image_get_public(image_id=image_id)
    except ImageNotFound:
        return not_found(request)
    newer, older = gallery.image_neighbours_public(image=image)
    response = render(
        request,
        "gallery/viewer.html",
        {
            "image": image,
            "shared": True,
            "close_url": reverse("shortlinks:public"),
            "page_url": reverse("shortlinks:share", args=[image.id]),
            "prev_url": newer and reverse("shortlinks:public_view", args=[newer]),
            "next_url": older and reverse("shortlinks:public_view", args=[older]),
        },
    )
    return _no_store(response)


# --------------------------------------------------------------------------- owner actions
def _owner(request) -> str:
    return str(request.user.pk)


def _back_to(image_id: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("gallery:detail", args=[image_id]) + "#share")


@login_required
@require_POST
def create(request, image_id):
    form = ShortLinkForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label or field.capitalize()}: {error}")
        return _back_to(image_id)
    delta = form.expires_delta()
    try:
        link = services.shortlink_create(
            image_id=image_id,
            owner=_owner(request),
            target=form.cleaned_data["target"],
            expires_at=timezone.now() + delta if delta else None,
            max_visits=form.cleaned_data["max_visits"],
            password=form.cleaned_data["password"] or None,
        )
    except ImageNotFound:
        raise Http404("No such image.") from None
    except (ShortLinkError, GalleryError) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Created {absolute_url(request, link.path)}")
    return _back_to(image_id)


@login_required
@require_POST
def revoke(request, code):
    try:
        link = services.shortlink_revoke(code=code, owner=_owner(request))
    except ShortLinkNotFound:
        raise Http404("No such link.") from None
    messages.success(request, f"Revoked /s/{link.code}. It now answers “not found”.")
    return _back_to(link.image_id)


@login_required
@require_GET
def qr_code(request, code):
    """The owner's QR code of a link. Owner only: anyone may encode a URL they already
    have, but answering per code (200 or 404) to strangers would make an enumeration
    oracle; the owner is the one who prints or shares it."""
    try:
        link = services.shortlink_get(code=code, owner=_owner(request))
    except ShortLinkNotFound:
        raise Http404("No such link.") from None
    response = HttpResponse(qr.svg(absolute_url(request, link.path)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="link-{link.code}.svg"'
    return response
