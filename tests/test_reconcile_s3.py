"""`manage.py reconcile` on S3 storage (a real moto S3 server): the same findings and fixes."""

import json

import pytest

from locker.models import StoredFile
from tests.test_reconcile import run

pytestmark = [pytest.mark.s3, pytest.mark.usefixtures("s3_storage")]


def test_a_consistent_bucket_is_clean_even_when_verified(alice_file, bob_file):
    status, out = run("--verify")

    assert status == 0, out
    assert "Checked 2 files and 2 stored objects; re-read 2" in out


def test_a_missing_object_and_an_orphan_are_found_and_fixed(
    alice_file, bob_file, s3, bucket, stored_objects  # noqa: F811
):
    s3.delete_object(Bucket=bucket, Key=alice_file.file.name)
    s3.put_object(Bucket=bucket, Key="u/42/left-behind", Body=b"kept by mistake")

    status, out = run("--json")
    report = json.loads(out)
    assert status == 1
    assert [m["id"] for m in report["missing"]] == [str(alice_file.pk)]
    assert report["orphans"] == [] and report["young_unreferenced"] == 1  # just written

    status, out = run("--fix", "--grace", "0", "--json")
    report = json.loads(out)
    assert status == 1
    assert [o["object"] for o in report["orphans"]] == ["u/42/left-behind"]
    assert stored_objects() == [bob_file.file.name]
    assert StoredFile.objects.get(pk=alice_file.pk).object_missing_at is not None
    assert StoredFile.objects.get(pk=bob_file.pk).object_missing_at is None


def test_verify_finds_an_object_rewritten_behind_the_apps_back(
    alice_file, s3, bucket  # noqa: F811
):
    s3.put_object(Bucket=bucket, Key=alice_file.file.name, Body=b"alice's SECRET\n")

    assert run()[0] == 0  # same size
    status, out = run("--verify", "--json")

    assert status == 1
    assert [m["id"] for m in json.loads(out)["checksum_mismatches"]] == [str(alice_file.pk)]
