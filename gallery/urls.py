from django.urls import path

from gallery import upload_views, views

app_name = "gallery"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("upload/start/", upload_views.start, name="upload_start"),
    path("upload/<str:image_id>/complete/", upload_views.complete, name="upload_complete"),
    path("upload/<str:image_id>/status/", upload_views.status, name="upload_status"),
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
