"""The audit log as CSV, streamed: rows are read from the database in chunks and written as
they are read, so an export of any size takes the same little memory.

A spreadsheet runs a cell that starts with = + - or @ as a formula ("CSV injection"); a
username, a file name or a detail can start so. Such cells get a leading apostrophe, which
spreadsheets show as text and nothing runs.
"""

import csv
import json
from collections.abc import Iterator
from typing import Any

from audit.models import AuditEventQuerySet

COLUMNS = [
    "time", "actor", "door", "address", "action", "owner", "object_type", "object_id",
    "object_name", "outcome", "detail",
]
FIELDS = [
    "at", "actor_username", "door", "address", "action", "owner__username", "object_type",
    "object_id", "object_name", "outcome", "detail",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


class _Line:
    """A file for csv.writer whose write hands back the line instead of keeping it."""

    def write(self, text: str) -> str:
        return text


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        text = json.dumps(value, sort_keys=True) if value else ""
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(events: AuditEventQuerySet) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    rows = events.order_by("-at", "-id").values_list(*FIELDS).iterator(chunk_size=CHUNK)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
