from django.urls import path

from sharing import public, views

urlpatterns = [
    path("s/<str:token>", public.shared, name="share"),
    path("s/<str:token>/download", public.shared_download, name="share-download"),
    path("r/<str:token>", public.requested, name="file-request"),
    path("files/<uuid:pk>/share/", views.share, name="share-file"),
    path("links/", views.links, name="links"),
    path("links/<uuid:pk>/revoke/", views.revoke_link, name="link-revoke"),
    path("requests/new/", views.new_request, name="request-new"),
    path("requests/<uuid:pk>/revoke/", views.revoke_request, name="request-revoke"),
]
