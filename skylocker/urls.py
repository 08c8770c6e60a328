from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy

from accounts.views import admin_login
from dav.views import door as dav_door
from locker.views import home

admin.site.site_header = gettext_lazy("Skylocker administration")
admin.site.site_title = gettext_lazy("Skylocker admin")

urlpatterns = [
    path("", home, name="home"),
    path("files/", include("locker.urls")),
    path("accounts/preferences/", include("preferences.urls")),
    path("files/", include("previews.urls")),
    path("accounts/", include("accounts.urls")),
    path("activity/", include("audit.urls")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("accounts/app-passwords/", include("dav.urls")),
    # WebDAV: every method on /dav and below (WsgiDAV inside, see dav/views.py).
    re_path(r"^dav(?P<path>/.*)?$", dav_door, name="dav"),
    path("", include("sharing.urls")),  # /s/, /r/ (public), /links/, /requests/, files' share
]

# The pages keep Django's own 400 and 500 answers; the API's are JSON like its other errors.
handler400 = "skylocker.error_views.bad_request"
handler500 = "skylocker.error_views.server_error"
