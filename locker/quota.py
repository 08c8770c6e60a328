"""Quotas: how much one account may keep, counting current files, versions and the trash.

Every change that adds bytes checks under a row lock on the owner's user row, inside the
transaction that records the bytes, so concurrent uploads are counted one after another and
cannot overshoot together. The user row is always locked after the rows of the files, trash
items or versions being changed, never before, so that no two changes wait on each other.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat


class QuotaExceeded(Exception):
    def __init__(self, quota: int, used: int, adding: int):
        self.quota, self.used, self.adding = quota, used, adding
        super().__init__(
            f"Over quota: your quota is {filesizeformat(quota)} ({quota} bytes) and you use "
            f"{filesizeformat(used)} ({used} bytes) already, counting versions and the trash; "
            f"this needs {adding} bytes more. Nothing was saved: empty the trash or delete "
            "files first."
        )


class Quota(models.Model):
    """A per-user quota set in the admin; users without one get SKYLOCKER_DEFAULT_QUOTA_BYTES."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="quota"
    )
    quota_bytes = models.PositiveBigIntegerField(
        help_text="Bytes this user may keep, counting versions and the trash; 0 is unlimited."
    )

    def __str__(self) -> str:
        return f"quota of {self.user}"


def quota_of(user) -> int:
    override = Quota.objects.filter(user_id=user.pk).values_list("quota_bytes", flat=True).first()
    return settings.DEFAULT_QUOTA_BYTES if override is None else override


def used_by(user) -> int:
    from locker.models import StoredFile
    from locker.trash import TrashedFile
    from locker.versions import FileVersion

    return sum(
        model.objects.filter(owner_id=user.pk).aggregate(total=Sum("size"))["total"] or 0
        for model in (StoredFile, FileVersion, TrashedFile)
    )


def check_quota(user, adding: int) -> None:
    """Lock the owner's row and refuse what would go over; call inside the transaction.

    `adding` 0 still refuses an account already over (a restore after the quota was lowered).
    """
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    quota = quota_of(user)
    if quota == 0:
        return
    used = used_by(user)
    if used + adding > quota or (adding == 0 and used > quota):
        raise QuotaExceeded(quota, used, adding)


def check_quota_early(user, adding: int) -> None:
    """Before writing any bytes, without a lock: spares writing what will surely be refused."""
    quota = quota_of(user)
    if quota and used_by(user) + adding > quota:
        raise QuotaExceeded(quota, used_by(user), adding)


def usage_of(user) -> dict:
    """For the usage bar: bytes used, the quota (0: unlimited), and where the bar turns red."""
    quota = quota_of(user)
    return {"used": used_by(user), "quota": quota, "high": int(quota * 0.9)}
