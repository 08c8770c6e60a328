"""The locker as a WebDAV tree: each user's folders and files, through the models' own methods.

WsgiDAV speaks the protocol (PROPFIND, LOCK, If headers, COPY and MOVE bookkeeping); this
module answers its questions about one user's tree. Every change goes through the same model
methods as the pages and the API (dav/actions.py), so ownership, the size limit, quotas, the
content-type rule, clean names, the trash with its alerts, versions and the audit log hold here
too. The user is the one dav/views.py authenticated, in `environ["skylocker.user"]`; no path
ever reaches another user's tree, because every lookup starts from that user's root.
"""

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from wsgidav import util
from wsgidav.dav_error import (
    HTTP_CONFLICT,
    HTTP_FORBIDDEN,
    HTTP_INSUFFICIENT_STORAGE,
    HTTP_METHOD_NOT_ALLOWED,
    HTTP_NOT_FOUND,
    HTTP_REQUEST_ENTITY_TOO_LARGE,
    DAVError,
)
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider

from dav import actions
from dav.incoming import Incoming
from locker.errors import (
    ContentUnavailable,
    DomainError,
    FolderError,
    NameTaken,
    QuotaExceeded,
    StorageUnavailable,
    TooLarge,
)
from locker.models import Folder, PathNotFound, StoredFile, list_children, resolve_path
from locker.storage import served_type
from locker.uploads import clean_filename

HTTP_SERVICE_UNAVAILABLE = 503
NAME_REFUSED = (
    "Skylocker does not keep this name as it is (names are cleaned as uploads' names are: no "
    "control characters, slashes or backslashes, no leading or trailing spaces and dots, no "
    "Windows device names, at most 255 characters). Nothing was stored; choose another name."
)


@contextmanager
def answered_as_dav() -> Iterator[None]:
    """The domain's errors as WebDAV answers: the one place this door maps them."""
    try:
        yield
    except TooLarge as exc:
        raise DAVError(HTTP_REQUEST_ENTITY_TOO_LARGE, exc.message) from exc
    except QuotaExceeded as exc:  # RFC 4918 11.5: the quota is the storage that is lacking
        raise DAVError(HTTP_INSUFFICIENT_STORAGE, exc.message) from exc
    except NameTaken as exc:
        raise DAVError(HTTP_METHOD_NOT_ALLOWED, exc.message) from exc
    except FolderError as exc:
        raise DAVError(HTTP_CONFLICT, exc.message) from exc
    except (StorageUnavailable, ContentUnavailable) as exc:
        raise DAVError(HTTP_SERVICE_UNAVAILABLE, exc.message) from exc
    except DomainError as exc:
        raise DAVError(HTTP_FORBIDDEN, exc.message) from exc
    except ObjectDoesNotExist as exc:  # deleted meanwhile, or never there
        raise DAVError(HTTP_NOT_FOUND) from exc


def checked_name(name: str) -> str:
    """A new name as Skylocker keeps it (NFC); refused when cleaning would change it.

    A client that wrote "a:b " and found "a:b" would see a different file than it made, and
    sync tools would upload it again forever: a refusal tells it at once.
    """
    normal = unicodedata.normalize("NFC", name)
    if not normal or clean_filename(normal) != normal or "/" in normal:
        raise DAVError(HTTP_FORBIDDEN, NAME_REFUSED)
    return normal


def canonical(path: str) -> str:
    """A path as names are compared (NFC, casefolded): "/A.txt" and "/a.txt" are one file."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())


def timestamp(moment: Any) -> float | None:
    return moment.timestamp() if moment is not None else None


class LockerProvider(DAVProvider):
    """The provider for the share "/": the authenticated user's own tree."""

    def is_readonly(self) -> bool:
        return False

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        user = environ["skylocker.user"]
        try:
            found = resolve_path(user, unicodedata.normalize("NFC", path))
        except PathNotFound:
            return None
        if isinstance(found, StoredFile):
            return FileResource(path, environ, found)
        return FolderResource(path, environ, found)


class Resource:
    """What files and folders share: who is asking, and the parent a change lands in."""

    environ: dict[str, Any]
    provider: LockerProvider

    @property
    def user(self) -> Any:
        return self.environ["skylocker.user"]

    @property
    def address(self) -> str | None:
        return self.environ.get("skylocker.address")

    def get_ref_url(self) -> str:
        """The key of locks and dead properties: one per file or folder, whatever the case."""
        return self.ref_url(self.path, self.is_collection)  # type: ignore[attr-defined]

    def ref_url(self, path: str, collection: bool) -> str:
        path = "/" + path.strip("/")
        if collection and path != "/":
            path += "/"
        return quote(self.provider.share_path + canonical(path))

    def destination(self, dest_path: str) -> tuple[Folder | None, str]:
        """The folder a COPY or MOVE lands in and the new name (checked)."""
        parent = self.provider.get_resource_inst(util.get_uri_parent(dest_path), self.environ)
        if not isinstance(parent, FolderResource):
            raise DAVError(HTTP_CONFLICT)
        return parent.folder, checked_name(util.get_uri_name(dest_path))

    @property
    def target(self) -> Any:
        """The Folder or StoredFile (None: the root, or a file not yet written)."""
        raise NotImplementedError

    def handle_move(self, dest_path: str) -> bool:
        """A MOVE onto this very file or folder (a change of case only) renames it in place;
        WsgiDAV would otherwise delete the "existing" destination first."""
        found = self.provider.get_resource_inst(dest_path, self.environ)
        there: Any = getattr(found, "target", None)
        here = self.target
        if here is None or type(there) is not type(here) or there.pk != here.pk:
            return False
        self.move_recursive(dest_path)  # type: ignore[attr-defined]
        return True

    def support_recursive_move(self, dest_path: str) -> bool:
        return True

    def forget(self, dest_path: str | None = None) -> None:
        """Locks go with the old path; dead properties move to the new one, or go."""
        self.remove_all_locks(recursive=True)  # type: ignore[attr-defined]
        manager = self.provider.prop_manager
        if manager is None:
            return
        if dest_path is None:
            manager.remove_properties(self.get_ref_url(), self.environ)
        else:
            collection = self.is_collection  # type: ignore[attr-defined]
            dest = self.ref_url(dest_path, collection)
            manager.move_properties(self.get_ref_url(), dest, collection, self.environ)


class FolderResource(Resource, DAVCollection):
    """A folder, or the root (`folder` None)."""

    def __init__(self, path: str, environ: dict[str, Any], folder: Folder | None) -> None:
        super().__init__(path, environ)
        self.folder = folder

    @property
    def target(self) -> Folder | None:
        return self.folder

    def get_display_name(self) -> str:
        return self.folder.name if self.folder is not None else ""

    def get_creation_date(self) -> float | None:
        return timestamp(self.folder.created_at) if self.folder is not None else None

    def get_last_modified(self) -> float | None:
        return timestamp(self.folder.updated_at) if self.folder is not None else None

    def members(self) -> dict[str, Any]:
        """Name to Folder or StoredFile; of two files of one name (old uploads) the newest."""
        folders, files = list_children(self.user, self.folder)
        found: dict[str, Any] = {}
        keys: set[str] = set()
        for folder in folders:
            found[folder.name] = folder
            keys.add(folder.name.casefold())
        for stored in files.order_by("-updated_at", "pk"):
            if stored.name.casefold() not in keys:
                found[stored.name] = stored
                keys.add(stored.name.casefold())
        return found

    def get_member_names(self) -> list[str]:
        return list(self.members())

    def get_member_list(self) -> list[Any]:
        listed: list[Any] = []
        for name, obj in self.members().items():
            path = util.join_uri(self.path, name)
            if isinstance(obj, Folder):
                listed.append(FolderResource(path, self.environ, obj))
            else:
                listed.append(FileResource(path, self.environ, obj))
        return listed

    def create_collection(self, name: str) -> "FolderResource":
        with answered_as_dav():
            folder = actions.make_folder(self.user, checked_name(name), self.folder, self.address)
        return FolderResource(util.join_uri(self.path, name), self.environ, folder)

    def create_empty_resource(self, name: str) -> "FileResource":
        """A file to be written (PUT) or locked before it exists (LOCK on a new name).

        A PUT stores nothing until its body has arrived whole (end_write); a LOCK stores an
        empty file at once, as RFC 4918 7.3 asks.
        """
        path = util.join_uri(self.path, name)
        pending = FileResource(path, self.environ, None, parent=self.folder)
        pending.new_name = checked_name(name)
        if self.environ["REQUEST_METHOD"] == "LOCK":
            incoming = pending.begin_write()
            incoming.close()
            pending.end_write(with_errors=False)
        return pending

    def support_recursive_delete(self) -> bool:
        return True

    def delete(self) -> None:
        if self.folder is None:
            raise DAVError(HTTP_FORBIDDEN, "The root folder cannot be deleted.")
        with answered_as_dav():
            actions.delete_folder(self.folder, self.user, self.address)
        self.forget()

    def move_recursive(self, dest_path: str) -> list[Any]:
        if self.folder is None:
            raise DAVError(HTTP_FORBIDDEN, "The root folder cannot be moved.")
        parent, name = self.destination(dest_path)
        with answered_as_dav():
            actions.move_folder(self.folder, parent, name, self.user, self.address)
        self.forget(dest_path)
        return []

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        """The folder made anew at the destination; WsgiDAV copies what it holds one by one.

        A folder already there (a COPY over a folder, Overwrite: T) stays: WsgiDAV has removed
        what in it the source does not hold, and copies the rest over it.
        """
        parent, name = self.destination(dest_path)
        existing = self.provider.get_resource_inst(dest_path, self.environ)
        if not isinstance(existing, FolderResource):
            with answered_as_dav():
                actions.make_folder(self.user, name, parent, self.address)
        if self.provider.prop_manager is not None:
            self.provider.prop_manager.copy_properties(
                self.get_ref_url(), self.ref_url(dest_path, True), self.environ
            )


class FileResource(Resource, DAVNonCollection):
    """A stored file, or one about to be (`stored` None until its PUT completes)."""

    new_name = ""

    def __init__(
        self, path: str, environ: dict[str, Any], stored: StoredFile | None,
        parent: Folder | None = None,
    ) -> None:
        super().__init__(path, environ)
        self.stored = stored
        self.parent = parent
        self.incoming: Incoming | None = None

    @property
    def target(self) -> StoredFile | None:
        return self.stored

    def get_display_name(self) -> str:
        return self.stored.name if self.stored is not None else self.new_name

    def get_content_length(self) -> int:
        return self.stored.size if self.stored is not None else 0

    def get_content_type(self) -> str:
        return served_type(self.stored.content_type if self.stored is not None else "")

    def get_creation_date(self) -> float | None:
        return timestamp(self.stored.created_at) if self.stored is not None else None

    def get_last_modified(self) -> float | None:
        return timestamp(self.stored.updated_at) if self.stored is not None else None

    def get_etag(self) -> str | None:
        # The content's own digest: the same bytes have the same tag, a replace a new one.
        return self.stored.sha256 if self.stored is not None else None

    def support_etag(self) -> bool:
        return True

    def support_ranges(self) -> bool:
        return True

    def get_content(self) -> IO[bytes]:
        if self.stored is None:
            raise DAVError(HTTP_NOT_FOUND)
        with answered_as_dav():
            return actions.open_content(self.stored, self.user, self.address)

    def begin_write(self, *, content_type: str | None = None) -> Incoming:
        """Where the body goes as it arrives, counted against the limit (see dav/incoming.py)."""
        self.incoming = Incoming(limit=settings.MAX_UPLOAD_BYTES)
        return self.incoming

    def end_write(self, *, with_errors: bool) -> None:
        incoming, self.incoming = self.incoming, None
        if incoming is None:
            return
        if with_errors:
            incoming.discard()
            return
        uploaded = incoming.as_upload(self.stored.name if self.stored else self.new_name)
        try:
            with answered_as_dav():
                if self.stored is None:
                    self.stored = actions.upload(self.user, uploaded, self.parent, self.address)
                else:
                    self.stored = actions.replace(self.stored, uploaded, self.user, self.address)
        finally:
            incoming.discard()

    def delete(self) -> None:
        if self.stored is None:
            raise DAVError(HTTP_NOT_FOUND)
        with answered_as_dav():
            actions.delete_file(self.stored, self.user, self.address)
        self.forget()

    def move_recursive(self, dest_path: str) -> list[Any]:
        if self.stored is None:
            raise DAVError(HTTP_NOT_FOUND)
        folder, name = self.destination(dest_path)
        with answered_as_dav():
            actions.move_file(self.stored, folder, name, self.user, self.address)
        self.forget(dest_path)
        return []

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        if self.stored is None:
            raise DAVError(HTTP_NOT_FOUND)
        if is_move:
            self.move_recursive(dest_path)
            return
        folder, name = self.destination(dest_path)
        existing = self.provider.get_resource_inst(dest_path, self.environ)
        over = existing.stored if isinstance(existing, FileResource) else None
        with answered_as_dav():
            actions.copy_file(self.stored, folder, name, self.user, self.address, over=over)
        if self.provider.prop_manager is not None:
            self.provider.prop_manager.copy_properties(
                self.get_ref_url(), self.ref_url(dest_path, False), self.environ
            )
