"""Which door a request came through, and from where: the `door` and `address` of a record.

The pages are Door.WEB; the API is Door.API, except the `skylocker` command (it sends a
User-Agent starting with `skylocker-cli/`), which is Door.CLI, and the pages' own JavaScript
(signed in by the session cookie, not a token), which is Door.WEB. The User-Agent is the
client's word, not proof: it tells apart honest clients, nothing more.
"""

from typing import Any, TypedDict

from audit.models import Door
from skylocker.client import client_address

CLI_AGENT = "skylocker-cli/"


class Where(TypedDict):
    door: str
    address: str | None


def door_of(request: Any) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return Door.ADMIN
    if not path.startswith("/api/"):
        return Door.WEB
    if request.headers.get("User-Agent", "").startswith(CLI_AGENT):
        return Door.CLI
    # DRF sets `auth` to the token; a session-authenticated call (the pages' JavaScript) has None.
    if getattr(request, "auth", "none") is None and request.user.is_authenticated:
        return Door.WEB
    return Door.API


def where(request: Any) -> Where:
    """`record(..., **where(request))`: the door and address of this request."""
    return {"door": door_of(request), "address": client_address(request) or None}
