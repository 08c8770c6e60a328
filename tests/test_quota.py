"""Quotas: current files, versions and the trash count; what would go over is refused whole."""

from django.urls import reverse

from locker.errors import QuotaExceeded
from locker.models import FileVersion, Quota, StoredFile, TrashedFile, quota_of, used_by
from tests.conftest import temp_files, upload_file

ALICE = len(b"alice's secret\n")


def test_usage_counts_current_files_versions_and_the_trash(alice, alice_file, settings):
    assert used_by(alice) == ALICE
    alice_file.replace(upload_file("v2.txt", b"12345"), actor=alice)
    assert used_by(alice) == ALICE + 5
    alice_file.delete_by(alice)
    assert used_by(alice) == ALICE + 5  # in the trash, still counted
    assert quota_of(alice) == settings.DEFAULT_QUOTA_BYTES == 1024**3


def test_a_per_user_quota_overrides_the_default_and_zero_is_unlimited(alice, bob, settings):
    Quota.objects.create(user=alice, quota_bytes=10)
    assert (quota_of(alice), quota_of(bob)) == (10, settings.DEFAULT_QUOTA_BYTES)
    settings.DEFAULT_QUOTA_BYTES = 0
    StoredFile.create_from_upload(bob, upload_file("big.bin", b"x" * 5000))
    assert StoredFile.objects.filter(owner=bob).count() == 1


def test_an_upload_over_quota_is_refused_with_a_clear_message_and_leaves_nothing(
    alice_client, alice, alice_file, stored_objects, data_dir
):
    Quota.objects.create(user=alice, quota_bytes=ALICE + 10)
    response = alice_client.post(reverse("upload"), {"file": upload_file("big.txt", b"x" * 11)})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Over quota" in page and f"({ALICE + 10} bytes)" in page and f"({ALICE} bytes)" in page
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["alice.txt"]
    assert stored_objects() == [alice_file.file.name]
    assert temp_files(data_dir) == []


def test_an_upload_that_fits_exactly_is_taken(alice, alice_file):
    Quota.objects.create(user=alice, quota_bytes=ALICE + 10)
    StoredFile.create_from_upload(alice, upload_file("fits.txt", b"x" * 10))
    assert used_by(alice) == ALICE + 10


def test_a_replace_over_quota_is_refused_and_keeps_the_old_content(
    alice_client, alice, alice_file, stored_objects
):
    Quota.objects.create(user=alice, quota_bytes=ALICE + 3)
    response = alice_client.post(
        reverse("replace", args=[alice_file.pk]), {"file": upload_file("v2.txt", b"four")}
    )
    assert response.status_code == 413
    assert "Over quota" in response.content.decode()
    alice_file.refresh_from_db()
    assert alice_file.file.read() == b"alice's secret\n"
    assert not FileVersion.objects.exists()
    assert stored_objects() == [alice_file.file.name]


def test_a_restore_is_refused_while_the_owner_is_over_a_lowered_quota(alice, alice_file):
    alice_file.delete_by(alice)
    Quota.objects.create(user=alice, quota_bytes=ALICE - 1)
    item = TrashedFile.objects.get()
    try:
        item.restore()
    except QuotaExceeded as exc:
        assert "Over quota" in str(exc)
    else:
        raise AssertionError("the restore should have been refused")
    assert TrashedFile.objects.count() == 1 and not StoredFile.objects.exists()


def test_the_files_page_shows_usage_and_quota_as_a_bar(alice_client, alice, alice_file):
    Quota.objects.create(user=alice, quota_bytes=1000)
    page = alice_client.get(reverse("files")).content.decode()
    assert f'<meter id="usage" min="0" max="1000" value="{ALICE}"' in page
    assert "15\xa0bytes of 1000\xa0bytes" in page
