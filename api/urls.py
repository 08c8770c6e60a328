from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from api import (
    app_password_views,
    audit_views,
    auth_views,
    direct_uploads,
    file_views,
    folder_views,
    sharing_views,
    trash_views,
)
from api.errors import not_found

app_name = "api"

urlpatterns = [
    path("v1/auth/register", auth_views.RegisterView.as_view(), name="register"),
    path("v1/auth/token", auth_views.TokenView.as_view(), name="token"),
    path("v1/me", auth_views.me, name="me"),
    path("v1/files", file_views.FileListView.as_view(), name="files"),
    path("v1/files/<uuid:pk>", file_views.FileDetailView.as_view(), name="file"),
    path("v1/files/<uuid:pk>/content", file_views.FileContentView.as_view(), name="file-content"),
    path(
        "v1/files/<uuid:pk>/versions", trash_views.VersionListView.as_view(), name="file-versions"
    ),
    path(
        "v1/files/<uuid:pk>/versions/<uuid:vid>/content",
        trash_views.VersionContentView.as_view(),
        name="file-version-content",
    ),
    path(
        "v1/files/<uuid:pk>/versions/<uuid:vid>/restore",
        trash_views.VersionRestoreView.as_view(),
        name="file-version-restore",
    ),
    path("v1/files/<uuid:pk>/links", sharing_views.FileLinksView.as_view(), name="file-links"),
    path("v1/links", sharing_views.LinkListView.as_view(), name="links"),
    path("v1/links/<uuid:pk>", sharing_views.LinkDetailView.as_view(), name="link"),
    path("v1/requests", sharing_views.RequestListView.as_view(), name="requests"),
    path("v1/requests/<uuid:pk>", sharing_views.RequestDetailView.as_view(), name="request"),
    path("v1/folders", folder_views.FolderListView.as_view(), name="folders"),
    path("v1/folders/<uuid:pk>", folder_views.FolderDetailView.as_view(), name="folder"),
    path("v1/trash/folders", folder_views.TrashedFolderListView.as_view(), name="trash-folders"),
    path(
        "v1/trash/folders/<uuid:pk>", folder_views.TrashedFolderView.as_view(),
        name="trash-folder",
    ),
    path(
        "v1/trash/folders/<uuid:pk>/restore", folder_views.TrashedFolderRestoreView.as_view(),
        name="trash-folder-restore",
    ),
    path("v1/trash", trash_views.TrashListView.as_view(), name="trash"),
    path("v1/trash/<uuid:pk>", trash_views.TrashItemView.as_view(), name="trash-item"),
    path(
        "v1/trash/<uuid:pk>/restore", trash_views.TrashRestoreView.as_view(), name="trash-restore"
    ),
    path("v1/uploads", direct_uploads.UploadStartView.as_view(), name="uploads"),
    path(
        "v1/uploads/<uuid:pk>/finalize",
        direct_uploads.UploadFinalizeView.as_view(),
        name="upload-finalize",
    ),
    path(
        "v1/app-passwords", app_password_views.AppPasswordListView.as_view(), name="app-passwords"
    ),
    path(
        "v1/app-passwords/<int:pk>",
        app_password_views.AppPasswordDetailView.as_view(),
        name="app-password",
    ),
    path("v1/audit", audit_views.AuditListView.as_view(), name="audit"),
    path("v1/schema", SpectacularJSONAPIView.as_view(), name="schema"),
    path(
        "docs",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    # Last: anything else under /api/ is a JSON 404.
    re_path(r"^.*$", not_found),
]
