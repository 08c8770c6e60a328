"""Writing the audit log: `record(...)`, called where the action happens, inside its
transaction. It never swallows an error: if the record cannot be written, the action fails.

Action names are dotted, `<thing>.<verb>`; the ones in use are listed in ACTIONS so the
filters and the documentation have one list.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from audit.models import AuditEvent, Door, Outcome

ACTIONS = {
    # accounts
    "account.signup", "account.login", "account.login_failed", "account.logout",
    "account.password_changed", "account.password_reset", "account.email_changed",
    "account.mfa_enabled", "account.mfa_disabled",
    "token.created", "token.revoked", "session.revoked",
    "app_password.created", "app_password.revoked",
    # files
    "file.uploaded", "file.downloaded", "file.replaced", "file.renamed", "file.moved",
    "file.deleted", "file.restored", "file.purged", "version.restored", "version.expired",
    "folder.created", "folder.renamed", "folder.moved", "folder.deleted", "folder.restored",
    # sharing
    "link.created", "link.used", "link.revoked",
    "request.created", "request.used", "request.revoked",
}

__all__ = ["ACTIONS", "Door", "Outcome", "record"]

# What a target is called in the log: a file keeps one name (and id) in and out of the trash.
OBJECT_TYPES = {
    "storedfile": "file", "trashedfile": "file", "fileversion": "version",
    "apitoken": "token", "usersession": "session", "user": "account",
}


def record(
    action: str,
    *,
    actor: Any = None,
    door: str,
    address: str | None = None,
    owner: Any = None,
    target: Any = None,
    object_type: str = "",
    outcome: str = Outcome.OK,
    actor_username: str = "",
    **detail: Any,
) -> AuditEvent:
    """Append one event. `target` is the object acted on (its type, id and name are copied);
    `owner` whose data it is (defaults to the target's owner, then the actor). Anything else
    given by keyword is kept in `detail` (it must be JSON-serialisable).

    An actor acting on someone else's data (staff managing all files) is marked in the
    detail as `"staff": true`, so those events can be picked out.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if door not in Door.ALL:
        raise ValueError(f"unknown door {door!r}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    if owner is None:
        # An account acted on is its own owner (a password changed by staff, a failed sign-in).
        is_account = isinstance(target, AbstractBaseUser)
        owner = getattr(target, "owner", None) or (target if is_account else None) or user
    if user is not None and owner is not None and owner.pk != user.pk:
        detail["staff"] = True
    return AuditEvent.objects.create(
        actor=user,
        actor_username=actor_username or (user.get_username() if user else ""),
        address=address or None,
        door=door,
        action=action,
        owner=owner,
        object_type=object_type or _type_of(target),
        object_id=str(target.pk) if target is not None else "",
        object_name=_name_of(target)[:255],
        outcome=outcome,
        detail=detail,
    )


def _type_of(target: Any) -> str:
    if target is None:
        return ""
    model_name = target._meta.model_name
    return OBJECT_TYPES.get(model_name, model_name)


def _name_of(target: Any) -> str:
    if isinstance(target, AbstractBaseUser):
        return target.get_username()
    return str(getattr(target, "name", "") or "") if target is not None else ""
