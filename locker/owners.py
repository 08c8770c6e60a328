"""The copy of each owner's names on their files (what "sort by owner" reads from an index),
kept in step with the people's own names."""

from typing import Any

from locker.models import StoredFile


def names_changed(user: Any) -> int:
    """Copy this person's current names onto their files (call it wherever names or the
    username change); how many files were brought up to date."""
    return (
        StoredFile.objects.filter(owner_id=user.pk)
        .exclude(
            owner_last_name=user.last_name,
            owner_first_name=user.first_name,
            owner_username=user.get_username(),
        )
        .update(
            owner_last_name=user.last_name,
            owner_first_name=user.first_name,
            owner_username=user.get_username(),
        )
    )
