"""What the WebDAV door does to files and folders: the models' own methods, and the audit log.

One function per change, each ending in the method the pages and the API use (upload,
replace, delete to the trash, move, new folder), with the audit record written in the same
transaction and the door named WEBDAV.
"""

import shutil
import tempfile
from typing import IO, Any

from django.conf import settings
from django.core.files import File

from audit import log as audit_log
from audit.log import Door
from locker import storage
from locker.errors import ContentMissing, ContentUnavailable
from locker.models import Folder, StoredFile
from locker.storage import Measurement

DOOR = Door.WEBDAV


def upload(owner: Any, uploaded: Any, folder: Folder | None, address: str | None) -> StoredFile:
    # create_from_upload records the upload, in its own transaction.
    return StoredFile.create_from_upload(
        owner, uploaded, folder=folder, door=DOOR, address=address
    )


def replace(stored: StoredFile, uploaded: Any, actor: Any, address: str | None) -> StoredFile:
    """New content over a file: the old content is kept as a version (StoredFile.replace)."""
    stored.replace(uploaded, actor=actor, door=DOOR, address=address)  # recorded there
    return stored


def delete_file(stored: StoredFile, actor: Any, address: str | None) -> None:
    """To the trash, with its deletion alert (StoredFile.delete_by)."""
    stored.delete_by(actor, door=DOOR, address=address)  # recorded there


def move_file(
    stored: StoredFile, folder: Folder | None, name: str, actor: Any, address: str | None
) -> None:
    stored.move_to(folder, name=name, actor=actor, door=DOOR, address=address)


def copy_file(
    stored: StoredFile, folder: Folder | None, name: str, actor: Any, address: str | None,
    over: StoredFile | None = None,
) -> StoredFile:
    """A new file with the same content (a new object: files never share one), or the same
    content over the file `over` (a replace: its old content is kept as a version)."""
    with open_content(stored, actor, address, record=False) as content, tempfile.TemporaryFile(
        dir=settings.FILE_UPLOAD_TEMP_DIR, prefix="dav-copy-"
    ) as spooled:
        # A local copy first: the storage's writer may seek anywhere in what it is given.
        shutil.copyfileobj(content, spooled, storage.CHUNK)
        spooled.seek(0)
        measured = Measurement(stored.size, stored.sha256, stored.content_type)
        copied = File(spooled, name=name)
        copied.measurement = measured  # type: ignore[attr-defined]  # read by storage
        copied.size = stored.size
        if over is not None:
            return replace(over, copied, actor, address)
        return upload(stored.owner, copied, folder, address)


def make_folder(owner: Any, name: str, parent: Folder | None, address: str | None) -> Folder:
    return Folder.create(owner, name, parent, actor=owner, door=DOOR, address=address)


def move_folder(
    folder: Folder, parent: Folder | None, name: str, actor: Any, address: str | None
) -> None:
    folder.move_to(parent, name=name, actor=actor, door=DOOR, address=address)


def delete_folder(folder: Folder, actor: Any, address: str | None) -> None:
    """The folder and all it holds to the trash as one item, each file with its alert."""
    folder.delete_by(actor, door=DOOR, address=address)


def open_content(
    stored: StoredFile, actor: Any, address: str | None, *, record: bool = True
) -> IO[bytes]:
    """The file's bytes to read (streamed from the bucket on S3); a download is recorded."""
    if stored.object_missing_at is not None:
        raise ContentMissing()
    try:
        content = storage.open_object(stored.object_name)
    except OSError as exc:
        raise ContentUnavailable() from exc
    if record:
        audit_log.record("file.downloaded", actor=actor, door=DOOR, address=address, target=stored)
    return content
