"""The file list: one contract for both doors, the pages (/files/, /files/all/) and the API
(GET /api/v1/files), decided in Skylocker's locker/listing.py rather than by a form or a
serializer.

- **Who**: the files `StoredFile.objects.visible_to(user)` allows (staff: everyone's, others:
  their own); "My files" is the owner's own on both.
- **Search** (page `q`, API `search`): every word of the text (split at white space) found
  case-insensitively in the name or the description, in any order (`StoredFileQuerySet.search`).
  More than 200 characters is an error (`SEARCH_TOO_LONG`), never cut.
- **Owner** (page and API `owner`): a username; empty is everyone the asker may see. It never
  widens what someone sees.
- **Sort** (page `sort`, API `ordering`): one of `SORTS` (name, description, size, owner,
  created_at, updated_at), `-` in front for descending; ties go by id, so pages never repeat
  or skip a row. Default `-updated_at`. Anything else is an error (`UNKNOWN_SORT`).
- **Folder** (page and API `folder`): a folder's id for the files directly in it, `root` for
  those in the root; empty is every folder (the list is flat, each file with its path). Folders
  are personal: the asker's own folder or root only, even for staff; another user's folder, or
  no folder, is 404 (`Folder.DoesNotExist`), a value that is neither an id nor `root` an error
  (`BAD_FOLDER`).
- **Pages**: `PAGE_SIZE` files a page (the API also takes `page_size`, up to 500).

Errors: the API answers 400 naming the parameter; the page shows the message and lists as if
the parameter had not been given.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from locker.errors import DomainError
from locker.models import Folder, StoredFile, StoredFileQuerySet

PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 200
OWNER_MAX_LENGTH = 150
DEFAULT_SORT = "-updated_at"
SORTS = {
    "name": ["name"],
    "description": ["description"],
    "size": ["size"],
    "owner": ["owner__last_name", "owner__first_name", "owner__username"],
    "created_at": ["created_at"],
    "updated_at": ["updated_at"],
}
ORDERINGS = [*SORTS, *(f"-{key}" for key in SORTS)]
SEARCH_TOO_LONG = f"Search for at most {SEARCH_MAX_LENGTH} characters."
OWNER_TOO_LONG = f"A username has at most {OWNER_MAX_LENGTH} characters."
ROOT = "root"
BAD_FOLDER = f'Give a folder\'s id, or "{ROOT}" for the files in the root.'
UNKNOWN_SORT = "Sort by one of " + ", ".join(SORTS) + ' (with "-" in front for descending).'


@dataclass(frozen=True)
class ListQuery:
    search: str = ""
    sort: str = DEFAULT_SORT
    owner: str = ""
    folder: str = ""


class InvalidListQuery(DomainError):
    """Some parameters break the contract; `errors` says which (as `ListQuery` field names)
    and `valid` is the query without them."""

    def __init__(self, errors: dict[str, str], valid: ListQuery) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors
        self.valid = valid


def parse(search: str = "", sort: str = "", owner: str = "", folder: str = "") -> ListQuery:
    """The query the contract allows, or InvalidListQuery naming what it does not."""
    errors = {}
    folder = folder.strip()
    if folder and folder != ROOT:
        try:
            folder = str(uuid.UUID(folder))
        except ValueError:
            errors["folder"], folder = BAD_FOLDER, ""
    search = search.strip()
    if len(search) > SEARCH_MAX_LENGTH:
        errors["search"], search = SEARCH_TOO_LONG, ""
    owner = owner.strip()
    if len(owner) > OWNER_MAX_LENGTH:
        errors["owner"], owner = OWNER_TOO_LONG, ""
    if sort and sort not in ORDERINGS:
        errors["sort"], sort = UNKNOWN_SORT, ""
    query = ListQuery(search=search, sort=sort or DEFAULT_SORT, owner=owner, folder=folder)
    if errors:
        raise InvalidListQuery(errors, query)
    return query


def parse_params(params: Mapping[str, Any], names: Mapping[str, str]) -> ListQuery:
    """`parse` over a door's own parameter names (`names` maps ListQuery fields to them)."""
    return parse(**{field: str(params.get(name) or "") for field, name in names.items()})


def ordering(sort: str) -> list[str]:
    key = sort.removeprefix("-")
    sign = "-" if sort.startswith("-") else ""
    return [f"{sign}{field}" for field in SORTS[key]] + [f"{sign}pk"]


def files(user: Any, query: ListQuery) -> StoredFileQuerySet:
    """The files this user may see that match the query, in the query's order."""
    found = StoredFile.objects.visible_to(user).select_related("owner").search(query.search)
    if query.owner:
        found = found.filter(owner__username=query.owner)
    if query.folder == ROOT:
        found = found.filter(owner_id=user.pk, folder__isnull=True)
    elif query.folder:
        found = found.filter(folder=Folder.objects.get_for(user, query.folder))
    return found.order_by(*ordering(query.sort))
