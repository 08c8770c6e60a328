"""The upload form without JavaScript: several files in one POST, each stored or refused alone."""

from django.contrib.messages import get_messages
from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import temp_files, upload_file


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_files(client, *files, description="batch"):
    return client.post(reverse("upload"), {"file": list(files), "description": description})


def test_several_files_in_one_post_are_each_stored_with_the_description(
    alice_client, alice, stored_objects, data_dir
):
    response = post_files(
        alice_client,
        upload_file("one.txt", b"first\n"),
        upload_file("two.txt", b"second\n"),
        upload_file("three.txt", b"third\n"),
    )
    assert response.status_code == 302
    rows = StoredFile.objects.order_by("name")
    assert [(r.name, r.size, r.description, r.owner) for r in rows] == [
        ("one.txt", 6, "batch", alice),
        ("three.txt", 6, "batch", alice),
        ("two.txt", 7, "batch", alice),
    ]
    assert sorted(stored_objects()) == sorted(r.file.name for r in rows)
    assert said(response) == ["Uploaded 3 files: one.txt, two.txt, three.txt."]
    assert temp_files(data_dir) == []


def test_a_file_over_the_limit_is_refused_by_name_and_the_others_are_stored(
    alice_client, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_BYTES = 1000
    response = post_files(
        alice_client,
        upload_file("small.txt", b"s" * 10),
        upload_file("huge.bin", b"h" * 1001),
        upload_file("fits.bin", b"f" * 1000),
    )
    assert response.status_code == 302
    stored = StoredFile.objects.order_by("name")
    assert [r.name for r in stored] == ["fits.bin", "small.txt"]
    assert sorted(stored_objects()) == sorted(r.file.name for r in stored)
    assert said(response) == [
        "Uploaded 2 files: small.txt, fits.bin.",
        "Not uploaded: huge.bin. This file is larger than the 1000\xa0bytes limit "
        "(1,000 bytes). Nothing was stored.",
        "2 uploaded, 1 refused: too large.",
    ]
    assert temp_files(data_dir) == []


def test_an_empty_file_among_others_is_refused_and_the_summary_says_why(
    alice_client, stored_objects
):
    response = post_files(
        alice_client, upload_file("blank.txt", b""), upload_file("notes.txt", b"kept\n")
    )
    assert response.status_code == 302
    (stored,) = StoredFile.objects.all()
    assert stored.name == "notes.txt"
    assert stored_objects() == [stored.file.name]
    assert said(response)[1:] == [
        "Not uploaded: blank.txt. The file is empty. Skylocker keeps files with content only.",
        "1 uploaded, 1 refused: empty.",
    ]


def test_files_beyond_the_per_post_count_are_refused_and_leave_no_temp_files(
    alice_client, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_FILES = 2
    files = [upload_file(f"part-{n}.txt", f"part {n}\n".encode()) for n in range(4)]
    response = post_files(alice_client, *files)
    assert response.status_code == 302
    assert sorted(StoredFile.objects.values_list("name", flat=True)) == [
        "part-0.txt",
        "part-1.txt",
    ]
    assert len(stored_objects()) == 2
    assert said(response)[-1] == "2 uploaded, 2 refused: too many files."
    assert temp_files(data_dir) == []


def test_when_every_file_is_refused_the_form_comes_back_naming_each(
    alice_client, settings, stored_objects
):
    settings.MAX_UPLOAD_BYTES = 100
    response = post_files(alice_client, upload_file("a.bin", b"a" * 101), upload_file("b.txt", b""))
    assert response.status_code == 413
    page = response.content.decode()
    assert "a.bin: This file is larger than the 100\xa0bytes limit" in page
    assert "b.txt: The file is empty." in page
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []
