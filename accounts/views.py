from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.exceptions import SignupLimitReached
from accounts.forms import SignupForm, TokenForm
from accounts.throttling import wait_text
from imageplatform.client_ip import client_ip_for_throttling


def _signup_limited(request, exc: SignupLimitReached):
    response = render(
        request,
        "registration/signup_limited.html",
        {"wait": wait_text(exc.retry_after), "until": exc.until},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("gallery:index")
    address = client_ip_for_throttling(request)
    try:
        services.signup_limit_check(ip_address=address)
    except SignupLimitReached as exc:
        return _signup_limited(request, exc)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        services.signup_record(ip_address=address)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Upload your first photos.")
        return redirect("gallery:upload")
    return render(request, "registration/signup.html", {"form": form})


NEW_TOKEN_KEY = "accounts.new_token"


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """Post/redirect/get: a new token is kept in the session for exactly one page view, so
    refreshing the page neither makes another token nor shows this one again."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = services.token_create(user=request.user, name=form.cleaned_data["name"])
        request.session[NEW_TOKEN_KEY] = {"id": new.id, "token": new.token, "name": new.name}
        return redirect("tokens")
    new_token = request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": services.token_list(user=request.user), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request, token_id):
    if services.token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "Token revoked. Programs using it can no longer sign in.")
    else:
        messages.error(request, "No such token.")
    return redirect("tokens")
