"""Each person's language, time zone and light or dark pages: chosen on the Account page (or
by the browser until then), kept with the account, applied on every request and in mail."""

from django.conf import settings as django_settings
from django.urls import reverse

from locker.alerts import deliver_due
from locker.models import StoredFile
from preferences.models import Preferences
from tests.conftest import PASSWORD, upload_file

ZONE_COOKIE = "skylocker_tz"


def save(client, **chosen):
    data = {"language": "", "time_zone": "", "theme": "system", **chosen}
    return client.post(reverse("preferences"), data)


def test_pages_follow_the_browser_language_until_the_account_chooses_one(alice_client, alice):
    english = alice_client.get(reverse("files"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    german = alice_client.get(reverse("files"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content
    assert '<html lang="en"' in english and "My files" in english
    assert "Meine Dateien" in german.decode()


def test_a_language_chosen_on_the_account_page_wins_over_the_browser_and_is_kept(
    alice_client, alice
):
    answer = save(alice_client, language="de")
    assert answer.status_code == 302
    assert Preferences.objects.get(user=alice).language == "de"
    assert answer.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "de"
    page = alice_client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de"' in page
    assert "Ihre Einstellungen sind gespeichert." in page  # the message already in German
    assert "Ihr Konto" in page


def test_the_chosen_language_applies_from_the_log_in_on(client, alice):
    Preferences.objects.create(user=alice, language="de")
    answer = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en", follow=True,
    )
    assert answer.wsgi_request.user.is_authenticated, answer.content.decode()[:500]
    assert "Meine Dateien" in answer.content.decode()


def test_the_browser_time_zone_is_stored_on_the_first_request_that_brings_it(
    alice_client, alice
):
    assert not Preferences.objects.filter(user=alice).exists()
    alice_client.cookies[ZONE_COOKIE] = "Asia%2FTokyo"  # as zone.js writes it
    page = alice_client.get(reverse("account")).content.decode()
    assert Preferences.objects.get(user=alice).time_zone == "Asia/Tokyo"
    assert "Times are shown in Asia/Tokyo" in page
    alice_client.cookies[ZONE_COOKIE] = "Europe/Lisbon"  # a trip: the stored zone stays
    alice_client.get(reverse("account"))
    assert Preferences.objects.get(user=alice).time_zone == "Asia/Tokyo"


def test_a_zone_that_is_no_zone_is_ignored(alice_client, alice):
    alice_client.cookies[ZONE_COOKIE] = "Mars/Olympus_Mons"
    page = alice_client.get(reverse("account")).content.decode()
    assert "Times are shown in UTC" in page
    assert not Preferences.objects.filter(user=alice).exclude(time_zone="").exists()
    answer = save(alice_client, time_zone="Mars/Olympus_Mons")
    assert answer.status_code == 302
    assert not Preferences.objects.filter(user=alice).exclude(time_zone="").exists()


def test_times_on_the_pages_move_with_the_chosen_zone(alice_client, alice):
    stored = StoredFile.create_from_upload(alice, upload_file("a.txt", b"a\n"))
    versions = reverse("versions", args=[stored.pk])
    save(alice_client, time_zone="Asia/Tokyo")
    tokyo = alice_client.get(versions).content.decode()
    save(alice_client, time_zone="America/New_York")
    new_york = alice_client.get(versions).content.decode()
    assert "JST" in tokyo and "JST" not in new_york
    assert ("EST" in new_york) or ("EDT" in new_york)
    assert Preferences.objects.get(user=alice).time_zone == "America/New_York"


def test_the_theme_is_kept_with_the_account_and_rendered_before_any_script(alice_client, alice):
    page = alice_client.get(reverse("files")).content.decode()
    assert "data-theme" not in page.split(">", 2)[1]  # "system": prefers-color-scheme decides
    answer = alice_client.post(reverse("theme"), {"theme": "dark", "next": "/files/trash/"})
    assert answer.status_code == 302 and answer["Location"] == "/files/trash/"
    assert Preferences.objects.get(user=alice).theme == "dark"
    dark = alice_client.get(reverse("files")).content.decode()
    assert '<html lang="en" data-theme="dark">' in dark
    alice_client.post(reverse("theme"), {"theme": "light"})
    assert Preferences.objects.get(user=alice).theme == "light"


def test_a_visitor_s_theme_is_a_cookie_and_an_outside_next_is_refused(client, db):
    answer = client.post(reverse("theme"), {"theme": "dark", "next": "https://elsewhere.example/"})
    assert answer["Location"] == "/"
    assert answer.cookies["skylocker_theme"].value == "dark"
    assert 'data-theme="dark"' in client.get(reverse("login")).content.decode()
    assert not Preferences.objects.exists()


def test_mail_reaches_each_person_in_their_language_and_zone(client, alice, admin, smtp, settings):
    settings.ADMIN_EMAILS = ["ops@example.com", admin.email]
    Preferences.objects.create(user=alice, language="de", time_zone="Asia/Tokyo")
    Preferences.objects.create(user=admin, language="", time_zone="America/New_York")
    stored = StoredFile.create_from_upload(alice, upload_file("plan.txt", b"p\n"))
    client.force_login(admin)
    client.post(reverse("delete", args=[stored.pk]))
    assert deliver_due() == (2, 0)
    messages = smtp.wait_for(3)
    by_recipient = {tuple(rcpt): message for rcpt, message in messages}
    assert set(by_recipient) == {("ops@example.com",), (admin.email,), (alice.email,)}
    owner = by_recipient[(alice.email,)]
    # (an encoded subject comes back with the space that folded it)
    assert owner["Subject"].strip() == "[Skylocker] Ihre Datei plan.txt wurde von admin gelöscht"
    assert "JST" in owner.get_body(("plain",)).get_content()
    staff = by_recipient[(admin.email,)].get_body(("plain",)).get_content()
    assert "Deleted by:" in staff and ("EST" in staff or "EDT" in staff)
    assert "UTC" in by_recipient[("ops@example.com",)].get_body(("plain",)).get_content()
