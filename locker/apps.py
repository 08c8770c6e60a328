from django.apps import AppConfig


class LockerConfig(AppConfig):
    name = "locker"
    verbose_name = "Files"
