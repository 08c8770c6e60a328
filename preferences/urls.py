from django.urls import path

from preferences import views

urlpatterns = [
    path("", views.save, name="preferences"),
    path("theme/", views.theme, name="theme"),
]
