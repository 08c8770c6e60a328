"""A local storage whose disk fills up part-way through a write.

Why this is the real part here: the tests run as root, so permissions cannot make a folder
unwritable, and mounting a tiny filesystem needs privileges the CI machine does not grant.
This is Django's own FileSystemStorage writing real bytes to a real folder; only the moment
the disk is "full" is chosen: once `capacity` bytes are on disk, the next chunk fails with the
error the kernel gives (ENOSPC), leaving the partial file behind exactly as a full disk does.
"""

import errno

from django.core.files.storage import FileSystemStorage


class FullDiskStorage(FileSystemStorage):
    def __init__(self, *args, capacity: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacity = capacity

    def _save(self, name, content):
        return super()._save(name, FillingUp(content, self.capacity))


class FillingUp:
    """The content as FileSystemStorage reads it, chunk by chunk, until the disk is full."""

    def __init__(self, content, capacity: int):
        self.content = content
        self.capacity = capacity

    def __getattr__(self, attr):
        # No temporary_file_path: the bytes are copied, as when the upload temp folder is on
        # another disk than the files (on one disk, a rename needs no room at all).
        if attr == "temporary_file_path":
            raise AttributeError(attr)
        return getattr(self.content, attr)

    def chunks(self, chunk_size=None):
        written = 0
        for chunk in self.content.chunks(chunk_size):
            room = self.capacity - written
            if len(chunk) > room:
                if room > 0:
                    yield chunk[:room]
                raise OSError(errno.ENOSPC, "No space left on device")
            written += len(chunk)
            yield chunk
