from django.urls import path

from shortlinks import views

app_name = "shortlinks"

urlpatterns = [
    path("s/<str:code>", views.redirect_link, name="redirect"),
    path("s/<str:code>/qr.svg", views.qr_code, name="qr"),
    path("s/<str:code>/revoke/", views.revoke, name="revoke"),
    path("i/<str:image_id>/", views.share, name="share"),
    path("images/<str:image_id>/links/", views.create, name="create"),
    path("public/", views.public, name="public"),
    path("public/<str:image_id>/", views.public_view, name="public_view"),
]
