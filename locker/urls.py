from django.urls import path

from locker import bulk, owner_views, trash_views, views

urlpatterns = [
    path("", views.my_files, name="files"),
    path("all/", views.all_files, name="all-files"),
    path("all/owners/", owner_views.owner_suggestions, name="owner-suggestions"),
    path("upload/", views.upload, name="upload"),
    path("selected/", bulk.bulk, name="bulk"),
    path("<uuid:pk>/download/", views.download, name="download"),
    path("<uuid:pk>/replace/", views.replace, name="replace"),
    path("<uuid:pk>/rename/", views.rename, name="rename"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
    path("<uuid:pk>/versions/", trash_views.versions, name="versions"),
    path(
        "<uuid:pk>/versions/<uuid:vid>/download/",
        trash_views.version_download,
        name="version-download",
    ),
    path(
        "<uuid:pk>/versions/<uuid:vid>/restore/", trash_views.version_restore,
        name="version-restore",
    ),
    path("trash/", trash_views.trash, name="trash"),
    path("trash/empty/", trash_views.empty, name="trash-empty"),
    path("trash/<uuid:pk>/restore/", trash_views.restore, name="trash-restore"),
    path("trash/<uuid:pk>/delete/", trash_views.purge, name="trash-delete"),
    path("trash/burst/<int:pk>/", trash_views.restore_burst, name="trash-burst"),
]
