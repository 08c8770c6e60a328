"""Proving that the database and the object store agree, and repairing what drifted.

A locker writes to two places. Crashes, restores from old backups, hands in the bucket or
bugs can leave rows whose object is gone, objects that no row points to, or bytes that no
longer match what was recorded. `manage.py reconcile` finds these through the storage API
alone (a recursive listdir, or one S3 listing), so it serves local disk and S3 alike, and it
is safe to run from cron while the app serves:

- objects younger than the grace period are never called orphans (an upload writes its object
  a moment before its row; S3 direct uploads land before they are confirmed);
- objects of trashed files and of versions are kept on purpose, not orphans;
- preview images (thumbnails, previews/) belong to the content they preview: not orphans, and
  one gone missing is no file's loss: it is counted, and `--fix` has the worker make it again;
- objects waiting in ObjectRemoval, and direct uploads not yet finalized (PendingUpload), are
  the worker's business, not orphans;
- every finding is looked at a second time just before it is reported or repaired, because
  files are uploaded, replaced and deleted while the listing runs.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files.storage import Storage
from django.db.models import Q
from django.utils import timezone

from locker import storage as stored_objects
from locker.models import FileVersion, ObjectRemoval, PendingUpload, StoredFile, TrashedFile
from locker.storage import list_objects
from previews.models import Preview, every_object

GRACE = timedelta(hours=1)


@dataclass
class Report:
    objects: int = 0
    rows: int = 0
    verified: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)  # rows whose object is gone
    orphans: list[dict[str, Any]] = field(default_factory=list)  # objects no row points to
    size_mismatches: list[dict[str, Any]] = field(default_factory=list)
    checksum_mismatches: list[dict[str, Any]] = field(default_factory=list)
    pending_removals: int = 0
    pending_uploads: int = 0
    previews_missing: int = 0  # ready previews whose image is gone (remade with --fix)
    young_unreferenced: int = 0
    fixed: dict[str, int] = field(
        default_factory=lambda: {"orphans_deleted": 0, "rows_marked_missing": 0, "rows_unmarked": 0,
                                 "previews_requeued": 0}
    )

    @property
    def problems(self) -> int:
        return (len(self.missing) + len(self.orphans) + len(self.size_mismatches)
                + len(self.checksum_mismatches))

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "problems": self.problems, "clean": self.problems == 0}


def sha256_of(name: str, storage: Storage) -> str:
    return stored_objects.measure_object(name, store=storage).sha256


def reconcile(*, fix: bool = False, verify: bool = False, grace: timedelta = GRACE,
              storage: Storage | None = None) -> Report:
    storage = stored_objects.default() if storage is None else storage
    report = Report()
    # Objects first, rows second: a row committed after the listing has its object already
    # written (uploads write the object, then the row), and is confirmed with exists() below.
    objects = list_objects(storage)
    report.objects = len(objects)
    referenced = set()
    now = timezone.now()
    rows = StoredFile.objects.only("pk", "file", "size", "sha256", "object_missing_at")
    for row in rows.order_by("pk").iterator(chunk_size=500):
        report.rows += 1
        name = row.object_name
        referenced.add(name)
        stored = objects.get(name)
        if stored is None and not storage.exists(name):
            _report_missing(report, row, name, fix=fix, now=now)
            continue
        if row.object_missing_at is not None and fix:  # the object came back (a restore)
            report.fixed["rows_unmarked"] += StoredFile.objects.filter(pk=row.pk).update(
                object_missing_at=None
            )
        try:
            size = stored.size if stored else storage.size(name)
            if size != row.size:
                if _still_points_at(row, name):
                    report.size_mismatches.append({"id": str(row.pk), "object": name,
                                                   "recorded": row.size, "stored": size})
                continue
            if verify:
                digest = sha256_of(name, storage)
                report.verified += 1
                if digest != row.sha256 and _still_points_at(row, name):
                    report.checksum_mismatches.append({"id": str(row.pk), "object": name,
                                                       "recorded": row.sha256,
                                                       "stored": digest})
        except FileNotFoundError:
            # Gone since the listing: a replace or delete removed it meanwhile (no finding),
            # unless the row still points at it.
            _report_missing(report, row, name, fix=fix, now=now)
    referenced |= kept_aside()
    _check_previews(report, objects, storage, fix=fix)
    being_removed = set(ObjectRemoval.objects.values_list("name", flat=True))
    being_uploaded = set(PendingUpload.objects.values_list("key", flat=True))
    for name, stored in sorted(objects.items()):
        if name in referenced:
            continue
        if name in being_removed:
            report.pending_removals += 1
        elif name in being_uploaded:
            report.pending_uploads += 1
        elif now - stored.modified < grace:
            report.young_unreferenced += 1
        elif not _referenced_now(name) and storage.exists(name):
            # exists(): a file deleted or replaced since the listing had its object removed.
            report.orphans.append({"object": name, "size": stored.size,
                                   "modified": stored.modified.isoformat()})
            if fix:
                storage.delete(name)
                report.fixed["orphans_deleted"] += 1
    return report


def kept_aside() -> set[str]:
    """Objects of trashed files, of versions and previews: kept on purpose, never orphans."""
    return set(TrashedFile.objects.values_list("file", flat=True)) | set(
        FileVersion.objects.values_list("file", flat=True)
    ) | every_object()


def _referenced_now(name: str) -> bool:
    """Looked at again just before a report: a file, a trash item, a version or a preview may
    hold it now."""
    return any(
        model.objects.filter(file=name).exists() for model in (StoredFile, TrashedFile, FileVersion)
    ) or Preview.objects.filter(Q(small=name) | Q(large=name)).exists()


def _check_previews(report: Report, objects: dict[str, Any], storage: Storage, *,
                    fix: bool) -> None:
    """Ready previews whose image is gone (a restore from a backup that has no previews):
    counted, and with --fix made again by the worker."""
    for preview in Preview.objects.filter(state=Preview.READY).iterator(chunk_size=500):
        gone = [name for name in preview.objects_stored
                if name not in objects and not storage.exists(name)]
        if not gone:
            continue
        report.previews_missing += 1
        if fix:
            report.fixed["previews_requeued"] += Preview.objects.filter(
                pk=preview.pk, state=Preview.READY, small=preview.small, large=preview.large
            ).update(state=Preview.PENDING, small="", large="", next_attempt_at=timezone.now())
            for name in set(preview.objects_stored) - set(gone):
                ObjectRemoval.schedule(name)


def _report_missing(
    report: Report, row: StoredFile, name: str, *, fix: bool, now: datetime
) -> None:
    if _still_points_at(row, name):
        report.missing.append({"id": str(row.pk), "object": name})
        if fix and row.object_missing_at is None:
            report.fixed["rows_marked_missing"] += StoredFile.objects.filter(
                pk=row.pk, file=name, object_missing_at__isnull=True
            ).update(object_missing_at=now)


def _still_points_at(row: StoredFile, name: str) -> bool:
    """False when the row was replaced or deleted while we looked: not a finding."""
    return StoredFile.objects.filter(pk=row.pk, file=name).exists()


def summary(report: Report, *, fix: bool) -> str:
    if report.rows == 0 and report.objects == 0 and not report.pending_removals:
        return "Nothing to check: no files and no stored objects yet. Consistent."
    lines = [
        f"Checked {report.rows} files and {report.objects} stored objects"
        + (f"; re-read {report.verified} to compare SHA-256." if report.verified else "."),
    ]
    for label, items in (
        ("file(s) whose stored object is missing", report.missing),
        ("object(s) that no file points to", report.orphans),
        ("file(s) whose stored size differs from the recorded size", report.size_mismatches),
        ("file(s) whose SHA-256 differs from the recorded one", report.checksum_mismatches),
    ):
        if items:
            lines.append(f"{len(items)} {label}:")
            lines.extend(f"  {item.get('id', '-')}  {item['object']}" for item in items[:50])
            if len(items) > 50:
                lines.append(f"  … and {len(items) - 50} more (see --json)")
    if report.pending_removals:
        lines.append(f"{report.pending_removals} object(s) wait for the worker to remove them.")
    if report.pending_uploads:
        lines.append(f"{report.pending_uploads} direct upload(s) wait to be finalized or swept.")
    if report.previews_missing:
        lines.append(f"{report.previews_missing} preview(s) whose image is missing"
                     + (": the worker makes them again." if fix else " (--fix remakes them)."))
    if report.young_unreferenced:
        lines.append(f"{report.young_unreferenced} recent unreferenced object(s) left alone "
                     "(uploads in flight).")
    if fix:
        f = report.fixed
        lines.append(f"Fixed: deleted {f['orphans_deleted']} orphan object(s), marked "
                     f"{f['rows_marked_missing']} file(s) as missing, unmarked "
                     f"{f['rows_unmarked']} whose object is back, queued "
                     f"{f['previews_requeued']} preview(s) to be made again.")
    lines.append("Consistent." if report.problems == 0 else f"{report.problems} problem(s) found.")
    return "\n".join(lines)
