"""The files page's storage line: "N files · X MB", and "of Y" when the user has a quota."""

from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def storage_line(totals: tuple[int, int], usage: dict[str, int] | None) -> str:
    """With a quota, X is what counts against it (versions and the trash included), as the
    usage bar counts; without one, the bytes of the files listed."""
    files, size = totals
    values: dict[str, Any] = {"count": files, "size": filesizeformat(size)}
    if usage and usage.get("quota"):
        values.update(size=filesizeformat(usage["used"]), quota=filesizeformat(usage["quota"]))
        return ngettext(
            "%(count)d file · %(size)s of %(quota)s",
            "%(count)d files · %(size)s of %(quota)s",
            files,
        ) % values
    return ngettext("%(count)d file · %(size)s", "%(count)d files · %(size)s", files) % values
