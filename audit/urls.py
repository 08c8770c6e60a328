from django.urls import path

from audit import views

urlpatterns = [
    path("", views.activity, name="activity"),
    path("export.csv", views.export, name="activity-export"),
    path("all/", views.activity, {"view": "all"}, name="activity-all"),
    path("all/export.csv", views.export, {"view": "all"}, name="activity-all-export"),
]
