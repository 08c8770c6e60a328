"""The file list's "received via" mark, read for a whole page in one query."""

from typing import Any

from django import template

from sharing.models import ReceivedFile, received_marks

register = template.Library()


@register.simple_tag(takes_context=True)
def received_via(context: Any, stored: Any) -> ReceivedFile | None:
    """The mark of this file if it arrived through a file request, else None. The first call
    on a page reads the marks of every file in the page's `files` at once."""
    cache = context.render_context
    if "received_marks" not in cache:
        cache["received_marks"] = received_marks([f.pk for f in context.get("files", [])])
    return cache["received_marks"].get(stored.pk)
