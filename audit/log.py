"""Writing the audit log: `record(...)`, called where the action happens, inside its
transaction. It never swallows an error: if the record cannot be written, the action fails.

Action names are dotted, `<thing>.<verb>`; the ones in use are listed in ACTIONS so the
filters and the documentation have one list.
"""

from typing import Any

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
    "file.deleted", "file.restored", "file.purged", "version.restored",
    "folder.created", "folder.renamed", "folder.moved", "folder.deleted", "folder.restored",
    # sharing
    "link.created", "link.used", "link.revoked",
    "request.created", "request.used", "request.revoked",
}

__all__ = ["ACTIONS", "Door", "Outcome", "record"]


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
    given by keyword is kept in `detail` (it must be JSON-serialisable)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    if owner is None:
        owner = getattr(target, "owner", None) or user
    return AuditEvent.objects.create(
        actor=user,
        actor_username=actor_username or (user.get_username() if user else ""),
        address=address or None,
        door=door,
        action=action,
        owner=owner,
        object_type=object_type or (target._meta.model_name if target is not None else ""),
        object_id=str(target.pk) if target is not None else "",
        object_name=str(getattr(target, "name", "") or "")[:255] if target is not None else "",
        outcome=outcome,
        detail=detail,
    )
