"""German pages in a real browser: chosen by the browser's language or on the Account page,
checked by axe in both themes at desktop and phone size; times follow the browser's time zone
and the Account page's choice."""

from uuid import UUID

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def sign_up_in_german(page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Vorname").fill("Greta")
    page.get_by_label("Nachname").fill("Gärtner")
    page.get_by_label("E-Mail").fill(f"{username}@skylocker.test")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort bestätigen").fill(PASSWORD)
    page.get_by_role("button", name="Registrieren").click()
    page.wait_for_url("**/files/")


def upload_in_german(page, name: str, content: bytes) -> None:
    page.goto("/files/upload/")
    page.get_by_label("Dateien zum Hochladen wählen").set_input_files(
        {"name": name, "mimeType": "text/plain", "buffer": content}
    )
    page.get_by_role("button", name="Hochladen", exact=True).click()
    page.get_by_text(f"{name} hochgeladen.").wait_for()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_german_browser_gets_german_pages_that_pass_axe(pages, site, scheme, size):
    options = {"locale": "de-DE", "color_scheme": scheme}
    if size == "phone":
        options.update(viewport=PHONE, is_mobile=True, has_touch=True)
    page = pages.new(**options)
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "de"
    pages.check(page, f"de-login-{size}-{scheme}")
    username = f"lang-de-{size}-{scheme}"
    sign_up_in_german(page, username)
    assert page.get_by_role("heading", name="Meine Dateien").is_visible()
    upload_in_german(page, "notiz.txt", b"Hallo\n")
    pages.check(page, f"de-files-{size}-{scheme}")
    for path, heading, name in [
        ("/files/upload/", "Dateien hochladen", "upload"),
        ("/files/trash/", "Papierkorb", "trash"),
        ("/accounts/", "Ihr Konto", "account"),
    ]:
        page.goto(path)
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
        pages.check(page, f"de-{name}-{size}-{scheme}")
    (stored_id,) = site.rows(
        "SELECT f.id FROM locker_storedfile f JOIN auth_user u ON u.id = f.owner_id "
        "WHERE u.username = ?", username,
    )[0]
    page.goto(f"/files/{UUID(stored_id)}/versions/")
    pages.check(page, f"de-versions-{size}-{scheme}")
    page.goto(f"/files/{UUID(stored_id)}/delete/")
    expect(page.get_by_role("button", name="„notiz.txt“ löschen")).to_be_focused()
    pages.check(page, f"de-delete-{size}-{scheme}")


def test_the_upload_queue_speaks_german(pages, site):
    page = pages.new(locale="de-DE")
    sign_up_in_german(page, "lang-queue")
    page.goto("/files/upload/")
    page.get_by_label("Dateien zum Hochladen wählen").set_input_files([
        {"name": "gut.txt", "mimeType": "text/plain", "buffer": b"ok\n"},
        {"name": "leer.txt", "mimeType": "text/plain", "buffer": b""},
    ])
    queue = page.locator(".queue")
    assert "„leer.txt“ ist leer." in queue.inner_text()
    page.get_by_role("button", name="Hochladen", exact=True).click()
    summary = page.locator(".queue-summary")
    summary.wait_for()
    assert summary.inner_text() == "1 hochgeladen, 1 abgelehnt: leer."
    pages.check(page, "de-upload-queue")


def test_german_chosen_on_the_account_page_wins_over_an_english_browser(pages, site):
    page = pages.new(locale="en-US")
    from tests.e2e.conftest import sign_up

    sign_up(page, "lang-chooser", "Chris", "Chooser")
    page.goto("/accounts/")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Ihre Einstellungen sind gespeichert.").wait_for()
    assert page.locator("html").get_attribute("lang") == "de"
    pages.check(page, "de-account-chosen")
    page.goto("/files/")
    assert page.get_by_role("heading", name="Meine Dateien").is_visible()
    rows = site.rows(
        "SELECT p.language FROM preferences_preferences p JOIN auth_user u ON u.id = p.user_id "
        "WHERE u.username = ?", "lang-chooser",
    )
    assert [tuple(row) for row in rows] == [("de",)]
    # Signed out, the log-in page stays German (the language cookie), then English again once
    # the account goes back to the browser's language.
    page.get_by_role("button", name="Abmelden").click()
    page.goto("/accounts/login/")
    assert page.get_by_role("heading", name="Anmelden").is_visible()


def test_times_follow_the_browser_zone_then_the_account_page(pages, site):
    page = pages.new(locale="en-US", timezone_id="Asia/Tokyo")
    from tests.e2e.conftest import sign_up, upload

    sign_up(page, "lang-zone", "Zoe", "Zone")
    upload(page, "when.txt", b"when\n")
    (zone,) = site.rows(
        "SELECT p.time_zone FROM preferences_preferences p JOIN auth_user u ON u.id = p.user_id "
        "WHERE u.username = ?", "lang-zone",
    )[0]
    assert zone == "Asia/Tokyo"
    page.goto("/files/")
    uploaded = page.locator("td[data-label=Uploaded] time").first
    assert uploaded.get_attribute("title").endswith("JST")
    page.goto("/accounts/")
    assert page.get_by_text("Times are shown in Asia/Tokyo").is_visible()
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Your preferences are saved.").wait_for()
    assert page.get_by_text("Times are shown in America/New_York").is_visible()
    pages.check(page, "account-time-zone")
    page.goto("/files/")
    title = page.locator("td[data-label=Uploaded] time").first.get_attribute("title")
    assert title.endswith(("EST", "EDT")), title
