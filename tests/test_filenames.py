"""Hostile file names: kept as display names only, cleaned, never used as storage paths."""

import pytest
from django.urls import reverse

from locker.models import StoredFile
from locker.uploads import clean_filename
from tests.conftest import upload_file


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("report\x00.pdf.exe", "report.pdf.exe"),
        ("line\nbreak\r\ttab.txt", "linebreaktab.txt"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("LPT1.tar.gz", "_LPT1.tar.gz"),
        ("  spaced   out  .txt ", "spaced out .txt"),
        ("...", "unnamed"),
        ("", "unnamed"),
        ("Caf\u0065\u0301.txt", "Caf\u00e9.txt"),
    ],
)
def test_clean_filename_makes_names_harmless(given, kept):
    assert clean_filename(given) == kept


def test_a_name_of_300_characters_is_cut_to_255_keeping_the_extension():
    name = clean_filename("a" * 300 + ".pdf")
    assert len(name) == 255
    assert name.endswith(".pdf")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("..\\..\\boot.ini", "boot.ini"),
        ("a/../../secret.txt", "secret.txt"),
        ("ctrl\x07\x1bchars.txt", "ctrlchars.txt"),
        ("photo\u202egnp.js", "photognp.js"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("x" * 300 + ".txt", "x" * 251 + ".txt"),
    ],
)
def test_an_upload_with_a_hostile_name_is_stored_under_a_generated_name(
    alice_client, alice, given, kept, stored_objects
):
    response = alice_client.post(reverse("upload"), {"file": upload_file(given, b"content")})
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.name == kept
    assert stored_objects() == [stored.file.name]
    assert stored.file.name.startswith(f"u/{alice.pk}/")
    assert len(stored.file.name.rsplit("/", 1)[-1]) == 32


def post_raw_name(client, filename: str):
    boundary = "skylocker-boundary"
    body = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/plain\r\n\r\ncontent\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    return client.generic(
        "POST", reverse("upload"), body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_a_nul_in_a_raw_multipart_file_name_is_dropped(alice_client, stored_objects):
    response = post_raw_name(alice_client, "evil\x00.txt")
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.name == "evil.txt"
    assert stored_objects() == [stored.file.name]


@pytest.mark.parametrize("filename", ["..", "../", ".", "..\\"])
def test_a_file_named_only_dots_is_refused_and_nothing_is_kept(
    alice_client, filename, stored_objects
):
    response = post_raw_name(alice_client, filename)
    assert response.status_code == 400
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []
