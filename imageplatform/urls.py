from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import include, path, re_path

from accounts import views as account_views
from imageplatform import views
from imageplatform.api import api


class LogoutView(auth_views.LogoutView):
    """GET asks "Sign out?" with a POST button; signing out itself stays a POST."""

    http_method_names = ["get", "post", "options"]
    next_page = "/"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("/")
        return render(request, "registration/logout_confirm.html")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You are signed out. See you soon.")
        return response


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", views.api_not_found),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", account_views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("", include("shortlinks.urls")),
    path("", include("moderation.urls")),
    path("", include("gallery.urls")),
]

handler400 = "imageplatform.views.bad_request"
handler404 = "imageplatform.views.page_not_found"
handler500 = "imageplatform.views.server_error"
