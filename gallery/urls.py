from django.urls import path

from gallery import views

app_name = "gallery"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("bulk/", views.bulk, name="bulk"),
    path("images/<str:image_id>/", views.detail, name="detail"),
    path("images/<str:image_id>/edit/", views.edit, name="edit"),
    path("images/<str:image_id>/delete/", views.delete, name="delete"),
    path("images/<str:image_id>/sizes/", views.custom_size, name="custom_size"),
    path(
        "images/<str:image_id>/sizes/<str:name>/delete/", views.custom_size_delete, name="custom_size_delete"
    ),
    path("images/<str:image_id>/original/", views.original, name="original"),
    path("images/<str:image_id>/retry/", views.retry, name="retry"),
]
