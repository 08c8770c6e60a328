"""Reading the audit log back in tests: each event as the facts a test checks."""

from audit.models import AuditEvent

ADDRESS = "198.51.100.7"  # the address the tests' requests come from
CLI = "skylocker-cli/0.1.0"


def events(action: str) -> list[tuple]:
    """(actor, owner, door, address, outcome) of each `action` event, oldest first."""
    return [
        (e.actor_username or None, e.owner.username if e.owner else None, e.door, e.address,
         e.outcome)
        for e in AuditEvent.objects.filter(action=action).select_related("owner").order_by("id")
    ]


def one(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)
