"""The audit log's filters and pages, one contract for the Activity pages, the CSV export
and `GET /api/v1/audit`: by user (as actor or as owner), action, and a date range.

Pages are keyset pages, newest first by (at, id): the next page starts after the last event
shown (`before=<id>`), the previous one before the first (`after=<id>`), read from the
(at, id) index, never by OFFSET, so the millionth page costs what the first does.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent, AuditEventQuerySet

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditQuery:
    user: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events_for(viewer: Any, query: AuditQuery, everyone: bool = False) -> AuditEventQuerySet:
    """`viewer`'s own activity, or, asking for `everyone`, all they may see (everything with
    audit.view_all_events), narrowed by the query. `user` is a username, as the actor or as
    whose data it was; `until` takes in the whole of its day."""
    events = AuditEvent.objects.visible_to(viewer) if everyone else AuditEvent.objects.own(viewer)
    if query.user:
        events = events.filter(Q(actor_username=query.user) | Q(owner__username=query.user))
    if query.action:
        events = events.filter(action=query.action)
    if query.since:
        events = events.filter(at__gte=_start_of(query.since))
    if query.until:
        events = events.filter(at__lt=_start_of(query.until + timedelta(days=1)))
    return events


@dataclass
class KeysetPage:
    events: list[AuditEvent]
    newer: int | None  # `after=` for the page before this one, if any
    older: int | None  # `before=` for the page after this one, if any


def _cursor(events: AuditEventQuerySet, pk: str | None) -> tuple[Any, int] | None:
    if not pk or not pk.isascii() or not pk.isdigit():
        return None
    at = AuditEvent.objects.filter(pk=int(pk)).values_list("at", flat=True).first()
    return None if at is None else (at, int(pk))


def keyset_page(
    events: AuditEventQuerySet, before: str | None = None, after: str | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage:
    """One page of `events`, newest first, after the event `before` or before the event `after`
    (ids of events; unknown ones, pruned meanwhile, start from the newest)."""
    events = events.select_related("owner")
    if (cursor := _cursor(events, after)) is not None:
        at, pk = cursor
        newer_first = events.after(at, pk).order_by("at", "id")
        rows = list(newer_first[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(rows, rows[0].pk if more_newer and rows else None,
                          rows[-1].pk if rows else None)
    if (cursor := _cursor(events, before)) is not None:
        events = events.before(*cursor)
    rows = list(events.order_by("-at", "-id")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    newer = rows[0].pk if cursor is not None and rows else None
    return KeysetPage(rows, newer, rows[-1].pk if more_older else None)
