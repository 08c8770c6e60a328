from django.urls import path

from locker import views

urlpatterns = [
    path("", views.my_files, name="files"),
    path("all/", views.all_files, name="all-files"),
    path("upload/", views.upload, name="upload"),
    path("<uuid:pk>/download/", views.download, name="download"),
    path("<uuid:pk>/replace/", views.replace, name="replace"),
    path("<uuid:pk>/rename/", views.rename, name="rename"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
]
