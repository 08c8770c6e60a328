from django.urls import path

from dav import pages

urlpatterns = [
    path("", pages.create, name="app-password-create"),
    path("<int:pk>/revoke/", pages.revoke, name="app-password-revoke"),
]
