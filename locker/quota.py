"""The usage bar's numbers (quotas themselves are checked in locker/models.py)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from locker.models import quota_of, used_by


def usage_of(
    user: AbstractBaseUser | AnonymousUser, files_bytes: int | None = None
) -> dict[str, int]:
    """For the usage bar: bytes used, the quota (0: unlimited), and where the bar turns red.
    `files_bytes`: the user's files' total, when the caller has it (see `used_by`)."""
    quota = quota_of(user)
    return {"used": used_by(user, files_bytes), "quota": quota, "high": int(quota * 0.9)}
