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
- **Pages**: `PAGE_SIZE` files a page (the API also takes `page_size`, up to 500), by number:
  `Pages` reads a page without the database stepping over every earlier file (pages in the
  second half are read backwards from the last; a deep page's ids come from the sort's index
  alone), so the last page costs what the first does. The `count` of everyone's files or of
  one owner's is always exact and never counted: the database keeps each owner's tally
  (`FileTally`, `tallied_count`). Any other list (a search, a folder) is counted exactly up
  to `COUNT_EXACT_UP_TO` (10,000) files; a longer one's count is the one taken at most
  `COUNT_SECONDS` (60) ago, so that its pages are not each a count of every row (a list that
  was longer within that minute keeps that count until it expires, even if it shrank). A
  deep page of a list over 10,000 files is read from an anchor kept when it or a
  neighbouring page was read (`anchored_rows`), so it is the page as it was then, at most
  `COUNT_SECONDS` ago. A search with at most `FEW_MATCHES` matches is sorted on its own rows;
  the rows and their order are the same either way.
- **Owner suggestions** (staff only): `owner_suggestions` names at most `SUGGESTIONS` people
  whose username, name or email contain what was typed; the list never holds every user.

Errors: the API answers 400 naming the parameter; the page shows the message and lists as if
the parameter had not been given.
"""

import hashlib
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import BooleanField, Q, QuerySet, Sum
from django.db.models.expressions import Col, RawSQL
from django.db.models.lookups import Exact
from django.db.models.sql.where import AND
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from locker.errors import DomainError
from locker.models import (
    MANAGE_ALL_FILES,
    OWNER_NAMES,
    FileTally,
    Folder,
    StoredFile,
    StoredFileQuerySet,
)

PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 200
OWNER_MAX_LENGTH = 150
DEFAULT_SORT = "-updated_at"
SORTS = {
    "name": ["name"],
    "description": ["description"],
    "size": ["size"],
    "owner": OWNER_NAMES,  # the owner's names as copied onto each file (locker/owners.py)
    "created_at": ["created_at"],
    "updated_at": ["updated_at"],
}
ORDERINGS = [*SORTS, *(f"-{key}" for key in SORTS)]
SEARCH_TOO_LONG = format_lazy(
    _("Search for at most {most} characters."), most=SEARCH_MAX_LENGTH
)
OWNER_TOO_LONG = format_lazy(_("A username has at most {most} characters."), most=OWNER_MAX_LENGTH)
ROOT = "root"
BAD_FOLDER = format_lazy(
    _('Give a folder\'s id, or "{root}" for the files in the root.'), root=ROOT
)
UNKNOWN_SORT = format_lazy(
    _('Sort by one of {keys} (with "-" in front for descending).'), keys=", ".join(SORTS)
)


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
            errors["folder"], folder = str(BAD_FOLDER), ""
    search = search.strip()
    if len(search) > SEARCH_MAX_LENGTH:
        errors["search"], search = str(SEARCH_TOO_LONG), ""
    owner = owner.strip()
    if len(owner) > OWNER_MAX_LENGTH:
        errors["owner"], owner = str(OWNER_TOO_LONG), ""
    if sort and sort not in ORDERINGS:
        errors["sort"], sort = str(UNKNOWN_SORT), ""
    query = ListQuery(search=search, sort=sort or DEFAULT_SORT, owner=owner, folder=folder)
    if errors:
        raise InvalidListQuery(errors, query)
    return query


def parse_params(params: Mapping[str, Any], names: Mapping[str, str]) -> ListQuery:
    """`parse` over a door's own parameter names (`names` maps ListQuery fields to them)."""
    return parse(**{field: str(params.get(name) or "") for field, name in names.items()})


def ordering(sort: str, one_owner: bool = False) -> list[str]:
    """The fields to order by; one owner's files sorted by owner are simply in id order."""
    key = sort.removeprefix("-")
    sign = "-" if sort.startswith("-") else ""
    fields = [] if key == "owner" and one_owner else SORTS[key]
    return [f"{sign}{field}" for field in fields] + [f"{sign}pk"]


def files(user: Any, query: ListQuery) -> StoredFileQuerySet:
    """The files this user may see that match the query, in the query's order."""
    found = StoredFile.objects.visible_to(user).select_related("owner").search(query.search)
    if query.owner and query.owner == user.get_username():
        found = found.filter(owner_id=user.pk)  # one's own: no need to look the name up
    elif query.owner:
        found = found.filter(owner__username=query.owner)
    if query.folder == ROOT:
        found = found.filter(owner_id=user.pk, folder__isnull=True)
    elif query.folder:
        found = found.filter(folder=Folder.objects.get_for(user, query.folder))
    return found.order_by(*ordering(query.sort, one_owner=bool(query.owner or query.folder)))


# Up to this many earlier rows a page is read as it is; deeper, its ids come first.
READ_THROUGH = 200


# Lists up to this long are counted exactly on every request; a longer list's count is kept
# for COUNT_SECONDS (the cache is shared by every web process), so that browsing a million
# files does not count a million rows for each page.
COUNT_EXACT_UP_TO = 10_000
COUNT_SECONDS = 60


# A text search with at most this many matches is read by its ids first, in no order, and only
# those rows are sorted: walking the sort's index for a rare word reads the table row by row
# until the page is full (3 s at a million files on SQLite, where search has no index).
FEW_MATCHES = 1_000


# A deep page of a long list is read from where the database last found it (an "anchor": the
# sort values of a row next to it), kept as long as the list's count, so that a page reached
# from the one before or after it, or asked for again, costs what the first page does.
ANCHOR_PREFIX = "list-anchor:"
ANCHORS_KEPT = 60  # per list and page size: those nearest the page last read


class Pages(Paginator):
    """Django's paginator (the pages' and the API's), reading a page so that the database does
    not step over every earlier row: a page in the second half is read backwards from the end,
    and a deep page's ids are found on the sort's index before its rows are read.

    `text_search`: the list is a search (page `q`, API `search`), so a short one is read by
    its ids (FEW_MATCHES). It changes how rows are read, never which."""

    def __init__(self, *args: Any, text_search: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text_search = text_search
        self.few_ids: list[Any] | None = None

    @property
    def long(self) -> bool:
        """Over COUNT_EXACT_UP_TO files (a tally, or a kept count): deep pages are read from
        anchors."""
        return self.count > COUNT_EXACT_UP_TO

    @cached_property
    def count(self) -> int:
        """Everyone's files or one owner's: their tally, exact at any length. Other lists:
        exact up to COUNT_EXACT_UP_TO; above, as counted at most COUNT_SECONDS ago.

        For those, the kept count is looked up first, so a list known to be long costs one
        cache read and no counting at all; a short list is never kept, so it is counted every
        time. (A long list that shrank below the limit shows its kept count until that
        expires.)"""
        found = self.object_list
        if not isinstance(found, QuerySet):
            return len(found)
        tallied = tallied_count(found)
        if tallied is not None:
            return tallied
        sql, params = found.order_by().query.sql_with_params()
        key = "list-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        kept = cache.get(key)
        if kept is not None:
            return int(kept)
        if self.text_search:
            ids = list(found.order_by().values_list("pk", flat=True)[: FEW_MATCHES + 1])
            if len(ids) <= FEW_MATCHES:
                self.few_ids = ids
                return len(ids)
        # Counted over the owner column, not the id: every filter of the list is on the owner,
        # the folder or the text, so an index holds all the count reads (SQLite and PostgreSQL
        # then never touch the rows; counting ids read each row: 25 ms for 10,000 on SQLite).
        upto = found.order_by().values("owner_id")[: COUNT_EXACT_UP_TO + 1].count()
        if upto <= COUNT_EXACT_UP_TO:
            return upto
        counted = found.count()
        cache.set(key, counted, COUNT_SECONDS)
        return counted

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        found: Any = self.object_list
        if self.few_ids is not None:  # a short search: only its own rows are sorted
            rows = list(found.filter(pk__in=self.few_ids)[bottom:top])
        elif self.long and min(bottom, self.count - top) > READ_THROUGH and top > bottom:
            rows = anchored_rows(found, number, bottom, top, self.count)
        else:
            rows = page_rows(found, bottom, top, self.count)
        return Page(rows, number, self)


def tallied_count(found: Any) -> int | None:
    """How many files a list of everyone's files, or of one owner's (by id or username), has,
    from the owners' tallies (FileTally) without counting; None for any other list.

    It reads the list's filter: only "no filter" and "owner is X" (any number of times, the
    same X) qualify; a search, a folder, anything else is counted as usual."""
    query = found.query
    if found.model is not StoredFile or query.is_sliced or query.distinct or query.combinator:
        return None
    if query.extra or query.group_by is not None or query.where.negated:
        return None
    if query.where.connector != AND:
        return None
    owner = StoredFile._meta.get_field("owner")
    username = get_user_model()._meta.get_field("username")
    owners: set[tuple[str, int | str]] = set()
    for condition in query.where.children:
        if not isinstance(condition, Exact) or not isinstance(condition.lhs, Col):
            return None
        if condition.lhs.target is owner and isinstance(condition.rhs, int):
            owners.add(("owner_id", condition.rhs))
        elif condition.lhs.target is username and isinstance(condition.rhs, str):
            owners.add(("owner__username", condition.rhs))
        else:
            return None
    if not owners:
        return FileTally.objects.aggregate(files=Sum("files"))["files"] or 0
    if len(owners) > 1:
        return None
    [(field, value)] = owners
    tallies = FileTally.objects.filter(**{field: value}).values_list("files", flat=True)
    return next(iter(tallies), 0)


class SearchPages(Pages):
    """Pages of a text search (the API's paginator class when `search` is given)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, text_search=True, **kwargs)


def anchored_rows(found: Any, number: int, bottom: int, top: int, count: int) -> list[Any]:
    """Rows bottom..top, page `number` deep in a list over COUNT_EXACT_UP_TO files, from an
    anchor kept when this page or the one before or after it was read; without one, read as
    `page_rows` reads it. Either way the anchors of this page and its two neighbours are then
    kept for COUNT_SECONDS.

    A page read from an anchor is the page as it was when the anchor was kept (at most
    COUNT_SECONDS ago): files added or removed before it since do not move it.
    """
    size = top - bottom
    order = _order_fields(found)
    if order is None:  # an order this cannot seek by: read as usual
        return page_rows(found, bottom, top, count)
    sql, params = found.query.sql_with_params()
    key = ANCHOR_PREFIX + hashlib.sha256(repr((sql, params, size)).encode()).hexdigest()
    now = time.time()  # wall clock: the cache is shared by every instance
    anchors = {
        n: anchor for n, anchor in (cache.get(key) or {}).items()
        if now - anchor[2] < COUNT_SECONDS  # each anchor at most COUNT_SECONDS old
    }  # fmt: skip
    rows = None
    if number in anchors:
        values, how, _ = anchors[number]
        rows = _seek(found, order, values, how, size)
        if len(rows) != size:  # the anchor's rows are gone or too few: read as usual
            rows = None
    if rows is None:
        rows = page_rows(found, bottom, top, count)
    if rows:
        first = tuple(getattr(rows[0], f.attname) for f, _ in order)
        last = tuple(getattr(rows[-1], f.attname) for f, _ in order)
        wanted = {number: (first, "from", now), number + 1: (last, "after", now),
                  number - 1: (first, "before", now)}  # fmt: skip
        missing = {n: anchor for n, anchor in wanted.items() if n not in anchors}
        if missing:
            kept = {**anchors, **missing}
            nearest = sorted(kept, key=lambda n: abs(n - number))[:ANCHORS_KEPT]
            cache.set(key, {n: kept[n] for n in nearest}, COUNT_SECONDS)
    return rows


def _order_fields(found: Any) -> list[tuple[Any, bool]] | None:
    """(field, descending) for each key of the list's order, when all are the model's own
    columns in one direction (every order of the list contract is); else None."""
    meta = found.model._meta
    fields = []
    for name in found.query.order_by:
        if not isinstance(name, str):
            return None
        descending = name.startswith("-")
        key = name.removeprefix("-")
        try:
            field = meta.pk if key == "pk" else meta.get_field(key)
        except FieldDoesNotExist:  # a related field ("owner__username"): not the model's own
            return None
        if field.is_relation or field.model is not found.model:
            return None
        fields.append((field, descending))
    if not fields or len({d for _, d in fields}) != 1:
        return None
    return fields


def _seek(found: Any, order: list[tuple[Any, bool]], values: tuple, how: str, size: int
          ) -> list[Any]:  # fmt: skip
    """`size` rows from an anchor: "from" its row on, "after" it, or "before" it (read
    backwards, returned in the list's order). One row-value comparison on the sort's own
    index: (key, ..., id) >= (anchor's values) for an ascending order."""
    connection = connections[found.db]
    quote = connection.ops.quote_name
    table = quote(found.model._meta.db_table)
    columns = ", ".join(f"{table}.{quote(f.column)}" for f, _ in order)
    params = [f.get_db_prep_value(v, connection) for (f, _), v in zip(order, values, strict=True)]
    forward = how != "before"
    greater = order[0][1] != forward  # ascending and forward, or descending and backward
    operator = (">" if greater else "<") + ("=" if how == "from" else "")
    marks = ", ".join(["%s"] * len(params))
    beyond = RawSQL(  # noqa: S611  # nosec B611 - the model's own column names; values are params
        f"({columns}) {operator} ({marks})", params, output_field=BooleanField()
    )
    if forward:
        return list(found.filter(beyond)[:size])
    rows = list(found.reverse().filter(beyond)[:size])
    rows.reverse()
    return rows


def page_rows(found: Any, bottom: int, top: int, count: int) -> list[Any]:
    """Rows bottom..top of `found` (ordered, `count` long), read from its nearer end."""
    if top <= bottom:
        return []
    if count - top < bottom:
        rows = _rows(found.reverse(), count - top, count - bottom)
        rows.reverse()
        return rows
    return _rows(found, bottom, top)


def _rows(found: Any, start: int, stop: int) -> list[Any]:
    if start <= READ_THROUGH:
        return list(found[start:stop])
    ids = list(found.values_list("pk", flat=True)[start:stop])  # the sort's index alone
    return list(found.filter(pk__in=ids)) if ids else []


SUGGESTIONS = 10
SUGGEST_MAX_LENGTH = 100


def owner_suggestions(user: Any, text: str) -> list[dict[str, str]]:
    """For someone who may see everyone's files: at most SUGGESTIONS people whose username,
    first or last name or email contain every word of `text` (any case), an exact username
    first, then by name. Nobody else gets any, and an empty text gets none."""
    if not (user.is_authenticated and user.is_active and user.has_perm(MANAGE_ALL_FILES)):
        return []
    text = text.strip()[:SUGGEST_MAX_LENGTH]
    words = list(dict.fromkeys(text.lower().split()))[:5]
    if not words:
        return []
    people = get_user_model().objects.all()
    for word in words:
        people = people.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    fields = ("username", "first_name", "last_name", "email")
    exact = list(get_user_model().objects.filter(username=text).values(*fields))
    found = exact + list(
        people.exclude(username=text).order_by("last_name", "first_name", "username")
        .values(*fields)[: SUGGESTIONS - len(exact)]
    )  # fmt: skip
    return [
        {
            "username": person["username"],
            "name": f"{person['first_name']} {person['last_name']}".strip(),
            "email": person["email"],
        }
        for person in found
    ]
