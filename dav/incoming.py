"""A WebDAV PUT's body on its way in: written to a temp file and counted against the limit.

The bytes are measured as they pass (size, SHA-256, type: locker/storage.py's Measure), so
the stored file's facts are the ones an upload through the pages would record. More than the
limit stops the PUT with 413 at the first byte over, whether or not the client said how long
the body is (a chunked PUT is counted, not refused), and nothing of it is kept.
"""

import tempfile
from typing import Any

from django.conf import settings
from django.core.files import File
from wsgidav.dav_error import HTTP_REQUEST_ENTITY_TOO_LARGE, DAVError

from locker.errors import over_limit_message
from locker.storage import Measure


class Incoming:
    def __init__(self, limit: int) -> None:
        self.measure = Measure(limit)
        self.file = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, prefix="dav-")

    def write(self, data: bytes) -> None:
        if not self.measure.add(data):
            self.discard()
            raise DAVError(HTTP_REQUEST_ENTITY_TOO_LARGE, over_limit_message())
        self.file.write(data)

    def close(self) -> None:
        """WsgiDAV closes the stream when the body has ended; the file stays for end_write."""
        self.file.flush()

    def discard(self) -> None:
        self.file.close()

    def as_upload(self, name: str) -> Any:
        """The body as an upload: a named file that knows its measurement (see storage.py)."""
        self.file.seek(0)
        upload = File(self.file, name=name)
        upload.measurement = self.measure.result()  # type: ignore[attr-defined]  # read by storage
        upload.size = self.measure.size
        return upload
