"""The usage bar's numbers (quotas themselves are checked in locker/models.py)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from locker.models import quota_of, used_by


def usage_of(user: AbstractBaseUser | AnonymousUser) -> dict[str, int]:
    """For the usage bar: bytes used, the quota (0: unlimited), and where the bar turns red."""
    quota = quota_of(user)
    return {"used": used_by(user), "quota": quota, "high": int(quota * 0.9)}
