"""Each user's WebDAV tree is their own: bob neither sees nor changes alice's files and folders
(they do not exist for him), and the same path names different things for each."""

from locker.models import Folder, StoredFile
from tests.conftest import upload_file


def test_bob_cannot_see_alices_files_or_folders(alice_dav, bob_dav, alice):
    alice_dav.request("MKCOL", "/Private/")
    alice_dav.request("PUT", "/Private/diary.txt", b"dear diary\n")
    StoredFile.create_from_upload(alice, upload_file("root.txt", b"mine\n"))
    listing = bob_dav.request("PROPFIND", "/", HTTP_DEPTH="1").content.decode()
    assert "Private" not in listing and "root.txt" not in listing
    assert bob_dav.request("GET", "/Private/diary.txt").status_code == 404
    assert bob_dav.request("GET", "/root.txt").status_code == 404
    assert bob_dav.request("PROPFIND", "/Private/", HTTP_DEPTH="0").status_code == 404


def test_bob_cannot_change_alices_tree(alice_dav, bob_dav, alice, bob):
    alice_dav.request("MKCOL", "/Private/")
    alice_dav.request("PUT", "/Private/diary.txt", b"dear diary\n")
    assert bob_dav.request("PUT", "/Private/diary.txt", b"overwritten").status_code == 409
    assert bob_dav.request("DELETE", "/Private/diary.txt").status_code == 404
    assert bob_dav.request("DELETE", "/Private/").status_code == 404
    moved = bob_dav.request("MOVE", "/Private/diary.txt", HTTP_DESTINATION="/dav/stolen.txt")
    assert moved.status_code == 404
    assert bob_dav.request("MKCOL", "/Private/Sub/").status_code == 409
    stored = StoredFile.objects.get()
    assert (stored.owner, stored.name, stored.size) == (alice, "diary.txt", 11)
    assert not Folder.objects.filter(owner=bob).exists()
    assert not StoredFile.objects.filter(owner=bob).exists()


def test_the_same_path_is_each_users_own(alice_dav, bob_dav, alice, bob):
    alice_dav.request("PUT", "/notes.txt", b"alice's\n")
    assert bob_dav.request("PUT", "/notes.txt", b"bob's\n").status_code == 201
    assert alice_dav.request("GET", "/notes.txt").content == b"alice's\n"
    assert bob_dav.request("GET", "/notes.txt").content == b"bob's\n"
    assert StoredFile.objects.filter(name="notes.txt").count() == 2


def test_staff_see_only_their_own_tree_too(admin, alice_dav, client):
    from tests.conftest import dav_client

    alice_dav.request("PUT", "/alice.txt", b"a\n")
    staff = dav_client(client, admin)
    assert "alice.txt" not in staff.request("PROPFIND", "/", HTTP_DEPTH="1").content.decode()
    assert staff.request("GET", "/alice.txt").status_code == 404


def test_locks_are_each_users_own(alice_dav, bob_dav):
    lock = (b'<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>'
            b"</D:lockscope><D:locktype><D:write/></D:locktype><D:owner>a</D:owner></D:lockinfo>")
    alice_dav.request("PUT", "/doc.txt", b"a\n")
    bob_dav.request("PUT", "/doc.txt", b"b\n")
    locked = alice_dav.request("LOCK", "/doc.txt", lock, content_type="application/xml")
    assert locked.status_code == 200
    # Alice's lock on her /doc.txt does not lock bob's /doc.txt.
    assert bob_dav.request("PUT", "/doc.txt", b"b2\n").status_code == 204
    assert alice_dav.request("PUT", "/doc.txt", b"a2\n").status_code == 423
