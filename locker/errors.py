"""What can go wrong in Skylocker's domain, as plain exceptions that know nothing of HTTP.

Each door turns them into its own answer in one place: the API in `api/errors.py`
(JSON `detail` and a status code), the pages in `locker/page_errors.py` (a message on the
page and a status code). The message is the exception's text, written for the person who
asked; a door never rewrites it. "Not found" is `ObjectDoesNotExist` (`StoredFile.DoesNotExist`,
`PendingUpload.DoesNotExist`): both doors answer it as 404, so nobody learns what others keep.
"""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal or failure the person asking should hear about, in `default_message`'s words."""

    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | None = None) -> None:
        # The default is lazy: it speaks the language of whoever reads it.
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self)


class StorageUnavailable(DomainError):
    """The object store refused a write or a check (disk full or gone, S3 unreachable).

    Nothing was kept; the same request may be tried again later.
    """

    default_message = _(
        "The file could not be stored: storage is unavailable right now. "
        "Nothing was saved; please try again later."
    )


class TooLarge(DomainError):
    """More bytes than MAX_UPLOAD_BYTES arrived; nothing was stored."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or over_limit_message())


class QuotaExceeded(DomainError):
    """More bytes than the owner's quota allows (files, versions and trash counted together)."""

    def __init__(self, quota: int, used: int, adding: int) -> None:
        self.quota, self.used, self.adding = quota, used, adding
        super().__init__(
            gettext(
                "Over quota: your quota is %(quota)s (%(quota_bytes)s bytes) and you use "
                "%(used)s (%(used_bytes)s bytes) already, counting versions and the trash; "
                "this needs %(adding)s bytes more. Nothing was saved: empty the trash or delete "
                "files first."
            )
            % {
                "quota": filesizeformat(quota), "quota_bytes": quota,
                "used": filesizeformat(used), "used_bytes": used, "adding": adding,
            }
        )


def over_limit_message(limit: int | None = None) -> str:
    limit = settings.MAX_UPLOAD_BYTES if limit is None else limit
    return gettext(
        "This file is larger than the %(limit)s limit (%(limit_bytes)s bytes). Nothing was stored."
    ) % {
        "limit": filesizeformat(limit),
        "limit_bytes": number_format(limit, force_grouping=True),
    }


class ContentUnavailable(DomainError):
    """A file's object cannot be read right now (disk error, storage down)."""

    default_message = _(
        "Skylocker cannot read this file's content right now. Nothing was changed; please "
        "try again later, and tell an administrator if it keeps happening."
    )


class ContentMissing(ContentUnavailable):
    """reconcile found the object gone and marked the file: no URL would lead to its bytes."""

    default_message = _(
        "This file's content is missing from storage. Its details are kept so that an "
        "administrator can restore it; nothing was changed."
    )


class DirectUploadError(DomainError):
    """A direct-to-S3 upload that cannot become a file (see locker/direct.py)."""


class DirectUploadsUnavailable(DirectUploadError):
    default_message = _(
        "Direct uploads need S3 storage, and this Skylocker stores files on local disk: "
        "upload through POST /api/v1/files instead."
    )


class ObjectNotUploaded(DirectUploadError):
    default_message = _(
        "Nothing has been uploaded for this upload yet: POST the file to the upload URL "
        "with its fields first, then finalize."
    )


class EmptyUpload(DirectUploadError):
    default_message = _("The uploaded file is empty. It has been deleted.")


class UploadTooLarge(DirectUploadError, TooLarge):
    """The object in the bucket is over the limit (S3 emulators do not enforce the policy)."""

    def __init__(self, size: int) -> None:
        super().__init__(
            gettext(
                "The uploaded file has %(size)s bytes; the limit is %(limit)s bytes. "
                "It has been deleted."
            )
            % {"size": size, "limit": settings.MAX_UPLOAD_BYTES}
        )


class ChecksumMismatch(DirectUploadError):
    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(
            gettext(
                "The uploaded file's SHA-256 is %(actual)s, not %(expected)s: it was changed or "
                "cut on the way. It has been deleted; upload it again."
            )
            % {"actual": actual, "expected": expected}
        )


class FolderError(DomainError):
    """A folder or move that cannot be made (see Folder in locker/models.py)."""


class NameTaken(FolderError):
    """The name is held by another folder or file in that folder (compared casefolded, NFC)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            gettext(
                "“%(name)s” is already taken in that folder (names are compared ignoring case). "
                "Nothing was changed; choose another name."
            )
            % {"name": name}
        )


class MoveCycle(FolderError):
    default_message = _(
        "A folder cannot be moved into itself or into one of its own folders. Nothing was moved."
    )


class FolderInTrash(FolderError):
    default_message = _("That folder is in the trash: restore it first. Nothing was changed.")
