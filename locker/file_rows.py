"""The file list's rows, prepared once in Python for the page's template.

The template used to reverse five URLs, format four dates and two relative times and a size
per row, each through the template engine; that was most of the page's CPU. Here each row's
text is made with plain function calls (the same Django functions, so the same words), and
the links from one reversed pattern per action.
"""

from datetime import datetime
from html import escape
from typing import Any
from uuid import UUID

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from sharing.models import received_marks

ACTIONS = ("download", "rename", "replace", "file-move", "versions", "share-file", "delete")
_PLACEHOLDER = UUID(int=0)
_NUMBER = 987654321  # stands in for a thumbnail's id in its reversed link


# One row of the table, as files.html had it; every value is escaped before it goes in.
ROW = """    <tr>
      {select}<td data-label="{l_name}" class="name"><a class="file-link" href="{preview}">\
{picture}<span class="file-name">{name}</span></a>{path}{missing}{received}</td>
      <td data-label="{l_description}">{description}</td>
      <td data-label="{l_size}" title="{size_bytes}">{size_text}</td>
      {owner}<td data-label="{l_uploaded}">{created}</td>
      <td data-label="{l_updated}">{updated}</td>
      <td class="actions">
        <a href="{download}" aria-label="{download_label}">{download_text}</a>
        <a href="{rename}" aria-label="{rename_label}">{rename_text}</a>
        <a href="{replace}" aria-label="{replace_label}">{replace_text}</a>
        {move}        <a href="{versions}" aria-label="{versions_label}">{versions_text}</a>
        <a href="{share-file}" aria-label="{share-file_label}">{share-file_text}</a>
        <a href="{delete}" aria-label="{delete_label}">{delete_text}</a>
      </td>
    </tr>
"""
SELECT = (
    '<td><input type="checkbox" name="ids" value="{pk}" form="selection" aria-label="{label}"></td>'
)
TIME = '<time datetime="{}" title="{}">{}</time>'
OWNER = '<td data-label="{label}">{owner}</td>'
MISSING = ' <strong class="warn">{}</strong>'
PATH = ' <small class="path">{}</small>'
RECEIVED = '<br><small class="received">{}</small>'
MOVE = '<a href="{}" aria-label="{}">{}</a>\n        '
THUMB = '<img class="thumb" src="{}" alt="" width="48" height="48">'
ICON = '<span class="type-icon type-{}" aria-hidden="true"></span>'


def _words() -> dict[str, tuple[str, str]]:
    """Each action's link text and its label (with the file's name), in the asker's language."""
    return {
        "download": (gettext("Download"), gettext("Download %(name)s")),
        "rename": (gettext("Rename"), gettext("Rename %(name)s")),
        "replace": (gettext("Replace"), gettext("Replace %(name)s")),
        "file-move": (gettext("Move"), gettext("Move %(name)s")),
        "versions": (gettext("Versions"), gettext("Versions of %(name)s")),
        "share-file": (gettext("Share"), gettext("Share %(name)s")),
        "delete": (gettext("Delete"), gettext("Delete %(name)s")),
        "select": ("", gettext("Select %(name)s")),
    }


def _when(moment: datetime) -> str:
    """As the date filters wrote it: ISO time, the exact local time and zone, "3 minutes ago"."""
    local = timezone.localtime(moment)
    exact = f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".rstrip()
    return TIME.format(local.isoformat(), escape(exact), escape(naturaltime(moment)))


def _received(mark: Any) -> str:
    """"received via <request> · from <name>" for a file sent in through a file request."""
    if mark is None:
        return ""
    text = gettext("received via %(request)s") % {"request": mark.request.name}
    if mark.uploader_name:
        text += " · " + gettext("from %(name)s") % {"name": mark.uploader_name}
    return RECEIVED.format(escape(text))


def rows(files: Any, view: str) -> SafeString:
    """The table's rows for these files on "My files" (`view` "mine": a checkbox each) or
    "All files" ("all": the owner's name, and rename, replace and delete come back there)."""
    query = "?back=all" if view == "all" else ""
    patterns = {}
    for action in ACTIONS:
        before, after = reverse(action, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
        tail = query if action in ("rename", "replace", "delete") else ""
        patterns[action] = (before, after + tail)
    preview = reverse("preview", args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
    thumb = reverse("thumbnail", args=[_PLACEHOLDER, _NUMBER, "small"]).split(str(_PLACEHOLDER))
    words = _words()
    texts = {f"{a}_text": escape(text) for a, (text, _) in words.items()}
    move_text = texts.pop("file-move_text")
    missing = MISSING.format(escape(gettext("(content missing)")))
    labels = {
        "l_name": escape(gettext("Name")), "l_description": escape(gettext("Description")),
        "l_size": escape(gettext("Size")), "l_uploaded": escape(gettext("Uploaded")),
        "l_updated": escape(gettext("Updated")),
    }
    files = list(files)
    marks = received_marks([f.pk for f in files])  # files sent in through a file request
    html = []
    for f in files:
        pk = str(f.pk)
        name = escape(f.name)
        owner = f.owner
        values = {
            "pk": pk,
            "name": name,
            "missing": missing if f.object_missing_at is not None else "",
            "description": escape(f.description),
            "size": f.size,
            "size_text": filesizeformat(f.size),
            "size_bytes": escape(
                ngettext("%(counter)s byte", "%(counter)s bytes", f.size) % {"counter": f.size}
            ),
            **labels,
            "created": _when(f.created_at),
            "updated": _when(f.updated_at),
            **{a: f"{before}{pk}{after}" for a, (before, after) in patterns.items()},
            **texts,
            **{f"{a}_label": escape(label % {"name": f.name}) for a, (_, label) in words.items()},
        }
        shown_path = getattr(f, "shown_path", "")  # set by locker/folder_views.py
        values["path"] = PATH.format(escape(shown_path)) if shown_path else ""
        values["move"] = (
            MOVE.format(values["file-move"], values["file-move_label"], move_text)
            if view == "mine"
            else ""
        )
        values["received"] = _received(marks.get(f.pk))
        # The name opens the preview; its picture is the thumbnail once the worker made one
        # (previews.kinds.mark set `thumbnail` and `kind`), else the file type's icon.
        values["preview"] = f"{preview[0]}{pk}{preview[1]}"
        made = getattr(f, "thumbnail", None)
        values["picture"] = (
            THUMB.format(f"{thumb[0]}{pk}{thumb[1].replace(str(_NUMBER), str(made.pk), 1)}")
            if made is not None
            else ICON.format(escape(getattr(f, "kind", "") or "file"))
        )
        values["select"] = (
            SELECT.format(pk=pk, label=values["select_label"]) if view == "mine" else ""
        )
        values["owner"] = (
            OWNER.format(
                label=escape(gettext("Owner")),
                owner=escape(owner.get_full_name() or owner.get_username()),
            )
            if view == "all"
            else ""
        )
        html.append(ROW.format_map(values))
    return mark_safe("".join(html))  # noqa: S308  # nosec B308, B703 - every value above is escaped or ours
