from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("report/<str:image_id>/", views.report, name="report"),
    path("images/<str:image_id>/appeal/", views.appeal, name="appeal"),
]
