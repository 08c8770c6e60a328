from django.urls import path

from locker import bulk, folder_views, owner_views, trash_views, views

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
    path("<uuid:pk>/move/", folder_views.move_file, name="file-move"),
    path("folders/new/", folder_views.create, name="folder-create"),
    path("folders/<uuid:pk>/rename/", folder_views.rename, name="folder-rename"),
    path("folders/<uuid:pk>/move/", folder_views.move, name="folder-move"),
    path("folders/<uuid:pk>/delete/", folder_views.delete, name="folder-delete"),
    path(
        "trash/folders/<uuid:pk>/restore/", folder_views.trash_restore,
        name="trash-folder-restore",
    ),
    path("trash/folders/<uuid:pk>/delete/", folder_views.trash_purge, name="trash-folder-delete"),
]
