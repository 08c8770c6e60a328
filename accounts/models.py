from django.db import models


class SignupLock(models.Model):
    """One row that every sign-up locks while it checks and takes its username and email.

    auth.User's email has no unique index (and its username's is case-sensitive), so two
    sign-ups at the same moment could both pass the form's checks. Holding this row's lock,
    the second one sees the first one's user. Sign-ups are rare: waiting costs nothing.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)

    def __str__(self) -> str:
        return "sign-up lock"
