"""Rename: the name only changes, cleaned as an upload's is; the content, object and id stay."""

from django.contrib.messages import get_messages
from django.urls import reverse

from locker.models import ObjectRemoval, StoredFile
from tests.conftest import upload_file


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_rename_changes_the_name_only(alice_client, alice_file, stored_objects):
    before = (alice_file.pk, alice_file.file.name, alice_file.sha256, alice_file.description)
    response = alice_client.post(reverse("rename", args=[alice_file.pk]), {"name": "plans.txt"})
    assert response.status_code == 302
    assert said(response) == ["Renamed alice.txt to plans.txt."]
    alice_file.refresh_from_db()
    assert alice_file.name == "plans.txt"
    after = (alice_file.pk, alice_file.file.name, alice_file.sha256, alice_file.description)
    assert after == before
    assert stored_objects() == [alice_file.file.name]
    assert ObjectRemoval.objects.count() == 0


def test_a_new_name_is_cleaned_as_an_upload_name_is(alice_client, alice_file):
    alice_client.post(
        reverse("rename", args=[alice_file.pk]), {"name": "../../etc/pass\u202ewd.txt"}
    )
    alice_file.refresh_from_db()
    assert alice_file.name == "passwd.txt"


def test_a_blank_name_is_refused_and_nothing_changes(alice_client, alice_file):
    response = alice_client.post(reverse("rename", args=[alice_file.pk]), {"name": "   "})
    assert response.status_code == 400
    assert "Give the file a name." in response.content.decode()
    alice_file.refresh_from_db()
    assert alice_file.name == "alice.txt"


def test_someone_elses_file_cannot_be_renamed(alice_client, bob_file):
    for method in (alice_client.get, alice_client.post):
        assert method(reverse("rename", args=[bob_file.pk]), {"name": "x.txt"}).status_code == 404
    bob_file.refresh_from_db()
    assert bob_file.name != "x.txt"


def test_the_list_offers_rename_for_each_file(alice_client, alice_file):
    page = alice_client.get(reverse("files")).content.decode()
    assert f'href="{reverse("rename", args=[alice_file.pk])}"' in page
    assert 'aria-label="Rename alice.txt"' in page


def test_replacing_content_takes_the_new_name_only_when_asked(alice_client, alice_file):
    url = reverse("replace", args=[alice_file.pk])
    kept = alice_client.post(url, {"file": upload_file("v2.txt", b"two\n"), "description": "mine"})
    assert said(kept) == ["Replaced the content of alice.txt."]
    taken = alice_client.post(
        url,
        {"file": upload_file("v3.txt", b"three\n"), "description": "mine", "use_new_name": "on"},
    )
    assert said(taken)[-1] == "Renamed alice.txt to v3.txt. Replaced the content of v3.txt."
    stored = StoredFile.objects.get()
    assert (stored.pk, stored.name, stored.file.read()) == (alice_file.pk, "v3.txt", b"three\n")


def test_a_description_only_edit_says_so(alice_client, alice_file):
    response = alice_client.post(
        reverse("replace", args=[alice_file.pk]), {"description": "new words"}
    )
    assert said(response) == ["Changed the description of alice.txt."]
    response = alice_client.post(
        reverse("replace", args=[alice_file.pk]), {"description": "new words"}
    )
    assert said(response)[-1] == "Nothing changed in alice.txt."
