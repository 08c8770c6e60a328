"""Versions: a replace keeps the old content; list, download and restore it; limits apply."""

import hashlib
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from locker.models import DeletionAlert, FileVersion, StoredFile, TrashedFile, VersionGone
from locker.versions import expire_old_versions
from tests.conftest import downloaded, upload_file


def replace_three_times(stored, actor):
    for n in (2, 3, 4):
        content = upload_file(f"v{n}.txt", f"version {n}\n".encode())
        stored.replace(content, actor=actor, take_uploaded_name=True)


def test_a_replace_keeps_the_previous_content_as_a_version(
    alice_client, alice, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    old = alice_file.file.name
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            reverse("replace", args=[alice_file.pk]), {"file": upload_file("v2.txt", b"two\n")}
        )
    version = FileVersion.objects.get()
    assert (version.file_id, version.file.name, version.name, version.size) == (
        alice_file.pk,
        old,
        "alice.txt",
        len(b"alice's secret\n"),
    )
    assert version.sha256 == hashlib.sha256(b"alice's secret\n").hexdigest()
    assert (version.content_type, version.replaced_by) == ("text/plain", alice)
    assert version.stored_at == alice_file.updated_at
    alice_file.refresh_from_db()
    assert sorted(stored_objects()) == sorted([old, alice_file.file.name])


def test_three_replaces_make_three_versions_and_the_first_comes_back(
    alice_client, alice, alice_file, stored_objects
):
    replace_three_times(alice_file, alice)
    page = alice_client.get(reverse("versions", args=[alice_file.pk])).content.decode()
    assert page.count("Restore this version") == 3
    first = FileVersion.objects.get(name="alice.txt")
    download = alice_client.get(reverse("version-download", args=[alice_file.pk, first.pk]))
    assert downloaded(download) == b"alice's secret\n"
    response = alice_client.post(reverse("version-restore", args=[alice_file.pk, first.pk]))
    assert response.status_code == 302
    alice_file.refresh_from_db()
    assert alice_file.file.read() == b"alice's secret\n"
    assert alice_file.name == "alice.txt"
    # the content it replaced (version 4) is a version now: still three, all different
    assert sorted(FileVersion.objects.values_list("name", flat=True)) == [
        "v2.txt",
        "v3.txt",
        "v4.txt",
    ]
    assert len(stored_objects()) == 4


def test_restoring_a_version_twice_finds_it_gone(alice, alice_file):
    replace_three_times(alice_file, alice)
    first = FileVersion.objects.get(name="alice.txt")
    first.restore(alice)
    try:
        first.restore(alice)
    except VersionGone:
        pass
    else:
        raise AssertionError("a version restored once cannot be restored again")
    assert FileVersion.objects.count() == 3


def test_another_users_versions_answer_404(client, alice, bob, alice_file):
    alice_file.replace(upload_file("v2.txt", b"two\n"), actor=alice)
    version = FileVersion.objects.get()
    client.force_login(bob)
    assert client.get(reverse("versions", args=[alice_file.pk])).status_code == 404
    assert (
        client.get(reverse("version-download", args=[alice_file.pk, version.pk])).status_code == 404
    )
    assert (
        client.post(reverse("version-restore", args=[alice_file.pk, version.pk])).status_code == 404
    )
    assert FileVersion.objects.get().pk == version.pk


def test_only_keep_versions_are_kept_and_the_oldest_leaves_with_an_alert(
    alice, alice_file, stored_objects, settings, django_capture_on_commit_callbacks
):
    settings.KEEP_VERSIONS = 2
    first_object = alice_file.file.name
    with django_capture_on_commit_callbacks(execute=True):
        replace_three_times(alice_file, alice)
    assert sorted(FileVersion.objects.values_list("name", flat=True)) == ["v2.txt", "v3.txt"]
    assert first_object not in stored_objects()
    assert len(stored_objects()) == 3
    expired = DeletionAlert.objects.get(kind=DeletionAlert.VERSION_EXPIRED)
    assert (expired.file_id, expired.file_name) == (alice_file.pk, "alice.txt")


def test_versions_older_than_the_version_days_are_expired_by_the_worker(
    alice, alice_file, stored_objects, settings, django_capture_on_commit_callbacks
):
    replace_three_times(alice_file, alice)
    FileVersion.objects.filter(name="alice.txt").update(
        replaced_at=timezone.now() - timedelta(days=settings.VERSION_DAYS, seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_old_versions() == 1
    assert FileVersion.objects.count() == 2
    assert len(stored_objects()) == 3
    assert DeletionAlert.objects.filter(kind=DeletionAlert.VERSION_EXPIRED).count() == 1


def test_versions_go_to_the_trash_with_their_file_and_come_back(
    client, alice, bob, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    replace_three_times(alice_file, alice)
    alice_file.delete_by(alice)
    assert FileVersion.objects.count() == 3 and len(stored_objects()) == 4
    client.force_login(alice)
    assert client.get(reverse("versions", args=[alice_file.pk])).status_code == 404
    restored = TrashedFile.objects.get().restore()
    assert FileVersion.objects.of(restored).count() == 3
    restored.delete_by(alice)
    with django_capture_on_commit_callbacks(execute=True):
        TrashedFile.objects.get().purge(alice)
    assert not FileVersion.objects.exists() and stored_objects() == []
    assert not StoredFile.objects.exists()
