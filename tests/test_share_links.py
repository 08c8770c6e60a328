"""Share links on the pages: the anonymous /s/<token> page and download, every way a link stops
working (one 404 for all), passwords and the limits on guessing, and the owner's pages."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from locker.models import StoredFile, TrashedFile
from sharing.models import ShareLink
from tests.conftest import client_for, upload_file

INVALID = "This link is not valid any more"


def share(stored, actor=None, **options):
    return ShareLink.create(stored, actor or stored.owner, door="web", **options)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


@pytest.fixture(autouse=True)
def no_spent_rates(fresh_throttle):
    """Every test starts with no failures counted against any address or link."""


@pytest.mark.django_db
def test_a_share_link_shows_the_file_and_downloads_it_as_an_attachment(client, alice_file):
    link, token = share(alice_file, note="For the meeting")

    page = client.get(f"/s/{token}")
    download = client.get(f"/s/{token}/download")

    assert page.status_code == 200
    for shown in ("alice.txt", "mine", "For the meeting", "15 bytes"):
        assert shown in page.content.decode()
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert body(download) == b"alice's secret\n"
    link.refresh_from_db()
    assert link.downloads == 1
    events = AuditEvent.objects.filter(door="share").order_by("id")
    assert [(e.action, e.owner_id, e.actor_id) for e in events] == [
        ("link.used", alice_file.owner_id, None),
        ("file.downloaded", alice_file.owner_id, None),
    ]


@pytest.mark.django_db
def test_only_a_hash_of_the_token_and_of_the_password_is_stored(alice_file):
    link, token = share(alice_file, password="open sesame")

    assert len(token) >= 22  # 128 bits in base64 take 22 characters; these have 256 bits
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored_row = ShareLink.objects.filter(pk=link.pk).values().get()
    assert token not in str(stored_row)
    assert "open sesame" not in str(stored_row)
    assert link.check_password("open sesame") and not link.check_password("open")


def unusable_links(alice, alice_file):
    """Each way a link stops working, as (why, token)."""
    made = {}
    _, made["wrong token"] = None, "x" * 43
    expired, made["expired"] = share(alice_file)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    revoked, made["revoked"] = share(alice_file)
    revoked.revoke(alice, door="web")
    used_up, made["used up"] = share(alice_file, max_downloads=1)
    ShareLink.objects.filter(pk=used_up.pk).update(downloads=1)
    trashed_file = StoredFile.create_from_upload(alice, upload_file("trashed.txt", b"t"))
    _, made["file in the trash"] = share(trashed_file)
    trashed_file.delete_by(alice)
    purged_file = StoredFile.create_from_upload(alice, upload_file("purged.txt", b"p"))
    _, made["file deleted"] = share(purged_file)
    purged_file.delete_by(alice)
    TrashedFile.objects.get(pk=purged_file.pk).purge(alice)
    return made


PER_PAGE = re.compile(rb'name="(csrfmiddlewaretoken|next)" value="[^"]+"')


@pytest.mark.django_db
def test_every_unusable_link_is_the_same_plain_404_and_downloads_nothing(alice, alice_file):
    made = unusable_links(alice, alice_file)
    before = {link.pk: link.downloads for link in ShareLink.objects.all()}

    answers = {}
    for why, token in made.items():
        for path in (f"/s/{token}", f"/s/{token}/download"):
            response = Client().get(path)
            # (The header's theme switch carries a CSRF token masked anew on every page and
            # the page's own address to come back to: neither tells one case from another.)
            page = PER_PAGE.sub(b"", response.content)
            answers[(why, path.endswith("download"))] = (response.status_code, page)

    assert {status for status, _ in answers.values()} == {404}
    assert len({content for _, content in answers.values()}) == 1  # no hint which case it is
    assert INVALID in next(iter(answers.values()))[1].decode()
    assert {link.pk: link.downloads for link in ShareLink.objects.all()} == before
    assert not AuditEvent.objects.filter(action__in=["link.used", "file.downloaded"]).exists()


@pytest.mark.django_db
def test_a_link_serves_the_current_content_after_the_file_is_replaced(
    alice, alice_file, stored_objects
):
    _, token = share(alice_file)
    alice_file.replace(upload_file("new.txt", b"the new content\n"), actor=alice)

    download = Client().get(f"/s/{token}/download")

    assert body(download) == b"the new content\n"
    assert len(stored_objects()) == 2  # the new content, and the old kept as a version


@pytest.mark.django_db
def test_a_link_to_a_deleted_file_stays_dead_even_when_the_file_is_restored(alice, alice_file):
    link, token = share(alice_file)
    alice_file.delete_by(alice)
    TrashedFile.objects.get(pk=alice_file.pk).restore()

    response = Client().get(f"/s/{token}/download")

    assert response.status_code == 404
    link.refresh_from_db()
    assert (link.file_id, link.downloads, link.state()) == (None, 0, "file deleted")
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()


@pytest.mark.django_db
def test_the_download_limit_ends_the_link(alice_file):
    link, token = share(alice_file, max_downloads=2)
    visitor = Client()

    statuses = [visitor.get(f"/s/{token}/download").status_code for _ in range(3)]

    assert statuses == [200, 200, 404]
    link.refresh_from_db()
    assert (link.downloads, link.state()) == (2, "used up")


@pytest.mark.django_db
def test_a_password_link_without_the_password_shows_only_the_form_and_hands_out_nothing(
    alice_file,
):
    link, token = share(alice_file, password="open sesame")
    visitor = Client()

    page = visitor.get(f"/s/{token}")
    download = visitor.get(f"/s/{token}/download")
    wrong = visitor.post(f"/s/{token}", {"password": "guess"})

    assert page.status_code == 200 and "password" in page.content.decode().lower()
    assert "alice.txt" not in page.content.decode()
    assert (download.status_code, download["Location"]) == (302, f"/s/{token}")
    assert wrong.status_code == 403 and "alice.txt" not in wrong.content.decode()
    link.refresh_from_db()
    assert link.downloads == 0

    right = visitor.post(f"/s/{token}", {"password": "open sesame"})
    assert right.status_code == 302
    assert "alice.txt" in visitor.get(f"/s/{token}").content.decode()
    assert body(visitor.get(f"/s/{token}/download")) == b"alice's secret\n"
    link.refresh_from_db()
    assert link.downloads == 1


@pytest.mark.django_db
def test_the_csrf_token_is_required_on_the_password_form(alice_file):
    _, token = share(alice_file, password="open sesame")
    visitor = Client(enforce_csrf_checks=True)

    response = visitor.post(f"/s/{token}", {"password": "open sesame"})

    assert response.status_code == 403
    assert "alice.txt" not in visitor.get(f"/s/{token}").content.decode()


@pytest.mark.django_db
def test_wrong_passwords_are_throttled_per_link_whatever_the_address(settings, alice_file):
    settings.SHARE_LINK_PASSWORD_RATE = "3/hour"
    _, token = share(alice_file, password="open sesame")

    wrong = [
        from_address(f"198.51.100.{n}").post(f"/s/{token}", {"password": "guess"}).status_code
        for n in range(3)
    ]
    right = from_address("198.51.100.99").post(f"/s/{token}", {"password": "open sesame"})

    assert wrong == [403, 403, 403]
    assert right.status_code == 429


@pytest.mark.django_db
def test_wrong_passwords_are_throttled_per_address_over_all_links(settings, alice, alice_file):
    settings.SHARE_PASSWORD_RATE = "2/hour"
    _, first = share(alice_file, password="one password")
    _, second = share(alice_file, password="another one")
    guesser, other = from_address("203.0.113.7"), from_address("203.0.113.8")

    guesser.post(f"/s/{first}", {"password": "guess"})
    guesser.post(f"/s/{first}", {"password": "guess"})

    assert guesser.post(f"/s/{second}", {"password": "another one"}).status_code == 429
    assert other.post(f"/s/{second}", {"password": "another one"}).status_code == 302


@pytest.mark.django_db
def test_guessing_tokens_is_refused_for_the_address_after_a_few_misses(settings, alice_file):
    settings.SHARE_MISS_RATE = "3/hour"
    _, token = share(alice_file)
    guesser = from_address("192.0.2.10")

    misses = [guesser.get(f"/s/guess{n}").status_code for n in range(3)]
    after = guesser.get(f"/s/{token}")
    elsewhere = from_address("192.0.2.11").get(f"/s/{token}")

    assert misses == [404, 404, 404]
    assert after.status_code == 429 and "alice.txt" not in after.content.decode()
    assert elsewhere.status_code == 200


@pytest.mark.django_db
def test_the_owner_shares_from_the_file_page_and_sees_the_link_once(alice_client, alice_file):
    form = alice_client.get(f"/files/{alice_file.pk}/share/")
    made = alice_client.post(
        f"/files/{alice_file.pk}/share/",
        {"days": "3", "password": "", "max_downloads": "5", "note": "hello"},
    )

    assert "current content" in form.content.decode()
    url = re.search(r'value="(http://testserver/s/[^"]+)"', made.content.decode()).group(1)
    link = ShareLink.objects.get()
    assert (link.max_downloads, link.note, link.owner_id, link.file_id) == (
        5, "hello", alice_file.owner_id, alice_file.pk
    )
    assert timedelta(days=2, hours=23) < link.expires_at - timezone.now() <= timedelta(days=3)
    assert link.token_hash == hashlib.sha256(url.rsplit("/", 1)[1].encode()).hexdigest()
    assert url not in alice_client.get("/links/").content.decode()  # shown once only
    assert AuditEvent.objects.filter(action="link.created", door="web").count() == 1


@pytest.mark.django_db
def test_more_days_than_the_setting_allows_are_refused(settings, alice_client, alice_file):
    settings.SHARE_MAX_DAYS = 30

    response = alice_client.post(f"/files/{alice_file.pk}/share/", {"days": "31"})

    assert response.status_code == 400
    assert not ShareLink.objects.exists()


@pytest.mark.django_db
def test_my_links_shows_downloads_and_the_owner_revokes(alice, alice_client, alice_file):
    link, token = share(alice_file, max_downloads=3)
    Client().get(f"/s/{token}/download")

    listed = alice_client.get("/links/").content.decode()
    revoked = alice_client.post(f"/links/{link.pk}/revoke/")

    assert "alice.txt" in listed and "1 / 3" in listed
    assert revoked.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert Client().get(f"/s/{token}").status_code == 404
    assert AuditEvent.objects.filter(action="link.revoked", actor=alice).count() == 1


@pytest.mark.django_db
def test_others_links_and_files_are_404_on_the_owner_pages(client, bob, alice_file):
    link, token = share(alice_file)
    bob_client = client_for(client, bob)

    assert bob_client.post(f"/links/{link.pk}/revoke/").status_code == 404
    assert bob_client.get(f"/files/{alice_file.pk}/share/").status_code == 404
    assert "alice.txt" not in bob_client.get("/links/").content.decode()
    link.refresh_from_db()
    assert link.revoked_at is None
    assert ShareLink.objects.count() == 1


@pytest.mark.django_db
def test_staff_see_and_revoke_everyones_links(client, admin, alice_file):
    link, _ = share(alice_file)
    staff = client_for(client, admin)

    listed = staff.get("/links/").content.decode()
    staff.post(f"/links/{link.pk}/revoke/")

    assert "alice.txt" in listed and "All links" in listed
    link.refresh_from_db()
    assert link.revoked_at is not None
    event = AuditEvent.objects.get(action="link.revoked")
    assert (event.actor, event.owner_id) == (admin, alice_file.owner_id)
