"""WebDAV on S3: a PUT's bytes go to the bucket through locker/storage.py, and a GET streams
them back from the bucket through the app (ranges too), never redirecting a client that may not
follow. On the session's moto server over HTTP."""

import pytest

from locker.models import FileVersion, StoredFile

pytestmark = pytest.mark.s3


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_put_lands_in_the_bucket_and_a_get_streams_it_back(
    s3_storage, alice_dav, alice, stored_objects, s3, bucket
):
    content = bytes(range(256)) * 2048  # 512 KiB: more than one block of the answer
    assert alice_dav.request("MKCOL", "/Docs/").status_code == 201
    assert alice_dav.request("PUT", "/Docs/blob.bin", content).status_code == 201
    stored = StoredFile.objects.get(owner=alice)
    assert stored_objects() == [stored.object_name]
    in_bucket = s3.get_object(Bucket=bucket, Key=stored.object_name)["Body"].read()
    assert in_bucket == content
    got = alice_dav.request("GET", "/Docs/blob.bin")
    assert got.status_code == 200  # the bytes themselves, not a redirect
    assert body(got) == content


def test_a_range_is_read_from_the_bucket_at_its_offset(s3_storage, alice_dav, alice):
    content = b"0123456789" * 1000
    alice_dav.request("PUT", "/digits.txt", content)
    got = alice_dav.request("GET", "/digits.txt", HTTP_RANGE="bytes=5000-5009")
    assert got.status_code == 206
    assert body(got) == content[5000:5010]


def test_an_empty_file_is_stored_and_read_on_s3(s3_storage, alice_dav, alice):
    assert alice_dav.request("PUT", "/empty.txt", b"").status_code == 201
    assert StoredFile.objects.get().size == 0
    got = alice_dav.request("GET", "/empty.txt")
    assert (got.status_code, body(got)) == (200, b"")


def test_a_put_over_a_file_keeps_the_old_object_as_a_version(
    s3_storage, alice_dav, alice, stored_objects
):
    alice_dav.request("PUT", "/n.txt", b"one\n")
    alice_dav.request("PUT", "/n.txt", b"two\n")
    stored, version = StoredFile.objects.get(), FileVersion.objects.get()
    assert sorted(stored_objects()) == sorted([stored.object_name, version.file.name])
    assert body(alice_dav.request("GET", "/n.txt")) == b"two\n"


def test_a_copy_on_s3_makes_a_second_object_with_the_same_bytes(
    s3_storage, alice_dav, alice, stored_objects
):
    alice_dav.request("PUT", "/a.txt", b"copy me\n")
    copied = alice_dav.request("COPY", "/a.txt", HTTP_DESTINATION="/dav/b.txt")
    assert copied.status_code == 201
    assert len(stored_objects()) == 2
    assert body(alice_dav.request("GET", "/b.txt")) == b"copy me\n"
