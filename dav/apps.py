from django.apps import AppConfig


class DavConfig(AppConfig):
    name = "dav"
    verbose_name = "WebDAV and app passwords"
    default_auto_field = "django.db.models.BigAutoField"
