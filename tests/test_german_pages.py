"""The German pages and mail have no English left.

Every page is rendered twice, in English and in German (the browser's Accept-Language), for a
visitor, a user with files, trash and versions, and staff; so is every kind of mail. Each
visible text (text nodes, and the labels a screen reader or the scripts show: aria-label, title,
alt, placeholder, data-label, data-text-*) is compared: a German text that is identical to an
English one fails, unless what is left of it once names, numbers, abbreviations and the brand
are taken out has no words. A string added anywhere on these pages without translation fails
here; tests/test_translation_markup.py fails on one not even marked.
"""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import OutgoingMail
from audit.models import AuditEvent
from dav.models import AppPassword
from locker.alerts import render
from locker.models import DeletionAlert, FileVersion, Folder, StoredFile, TrashedFile
from previews.models import Preview
from previews.work import make_due
from skylocker.settings import _oidc_settings
from tests.conftest import PASSWORD, make_user, upload_file
from tests.pictures import pdf, png
from tests.test_account_journey import turn_on_totp

LANGUAGES = ("en", "de")
# Words that German and English share, or that are names in their own language.
SAME_IN_BOTH = {"Skylocker", "Name", "Browser", "Links", "Downloads", "English", "Deutsch", "Code"}
LABELS = {"aria-label", "title", "alt", "placeholder", "data-label"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
WORD = re.compile(r"[^\W\d_]+")
# Addresses, ids and digests are data too.
DATA = re.compile(r"https?://\S+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}")


class Texts(HTMLParser):
    """The visible texts of a page, as a person or a screen reader meets them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skipping: list[str] = []  # script, style, code, translate="no"
        self.option: tuple[str, list[str]] | None = None
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag in VOID and tag != "input":
            return
        if tag in {"script", "style", "code"} or attributes.get("translate") == "no":
            if tag not in VOID:
                self.skipping.append(tag)
            return
        if self.skipping:
            if tag == self.skipping[-1] and tag not in VOID:
                self.skipping.append(tag)
            return
        for name, value in attrs:
            if value and (name in LABELS or name.startswith("data-text-")):
                self.texts.append(value)
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.texts.append(attributes.get("value") or "")
        if tag == "option":
            self.option = (attributes.get("value") or "", [])

    def handle_endtag(self, tag):
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
            return
        if tag == "option" and self.option:
            value, parts = self.option
            text = "".join(parts).strip()
            if text != value:  # a zone or username shown as itself is data, not wording
                self.texts.append(text)
            self.option = None

    def handle_data(self, data):
        if self.skipping:
            return
        if self.option:
            self.option[1].append(data)
        elif data.strip():
            self.texts.append(data)


def texts_of(html: str) -> Texts:
    parser = Texts()
    parser.feed(html)
    return parser


class Wording:
    """Texts with the data taken out, to be compared between the languages."""

    def __init__(self, data: set[str]):
        self.data = sorted((value for value in data if value), key=len, reverse=True)

    def normal(self, text: str) -> str:
        for value in self.data:
            text = text.replace(value, "¤")
        return " ".join(DATA.sub("¤", text).split())

    def words(self, text: str) -> list[str]:
        return [
            word for word in WORD.findall(self.normal(text))
            if word not in SAME_IN_BOTH and not word.isupper() and len(word) > 1
        ]

    def english_left(self, english: list[str], german: list[str]) -> list[str]:
        seen = {self.normal(text) for text in english}
        return sorted({
            self.normal(text) for text in german
            if self.words(text) and self.normal(text) in seen
        })


def data_of(*users) -> set[str]:
    values = set()
    for user in users:
        values |= {user.username, user.first_name, user.last_name, user.get_full_name(),
                   user.email}
    for row in [*StoredFile.objects.all(), *TrashedFile.objects.all()]:
        values |= {row.name, row.description, str(row.pk), row.sha256}
    values |= {folder.name for folder in Folder.objects.all()}
    return values


@pytest.fixture
def scene(settings, db, alice, admin):
    """Alice with files, one replaced (a version) and one in the trash; staff deleted one of
    hers (her notice); a mass deletion and its digest by Bob."""
    settings.ADMIN_EMAILS = ["ops@example.com"]
    settings.MASS_DELETE_COUNT = 2
    settings.MASS_DELETE_DIGEST_SECONDS = 0
    settings.SITE_URL = "https://locker.example"
    kept = StoredFile.create_from_upload(alice, upload_file("kept.txt", b"one\n"), "holiday")
    StoredFile.create_from_upload(alice, upload_file("other.txt", b"two\n"), "plans")
    kept.replace(upload_file("kept.txt", b"one, again\n"), "holiday", actor=alice)
    trashed = StoredFile.create_from_upload(alice, upload_file("gone.txt", b"three\n"), "")
    trashed.delete_by(alice, door="web", address="192.0.2.1")
    by_staff = StoredFile.create_from_upload(alice, upload_file("staff.txt", b"four\n"), "x")
    by_staff.delete_by(admin, door="admin")
    bob = make_user("bob", first="Bob", last="Builder")
    for i in range(4):
        StoredFile.create_from_upload(bob, upload_file(f"b{i}.txt", b"b\n")).delete_by(
            bob, door="api", address="198.51.100.7"
        )
    TrashedFile.objects.filter(name="b0.txt").get().purge(bob, door="web")
    TrashedFile.objects.filter(name="b1.txt").get().purge()  # the worker, its days over
    folder = Folder.create(alice, "Reisen")
    StoredFile.create_from_upload(alice, upload_file("inside.txt", b"i\n")).move_to(folder)
    Folder.create(alice, "Alt").delete_by(alice)
    return {"alice": alice, "admin": admin, "bob": bob, "kept": kept, "folder": folder,
            "trashed": TrashedFile.objects.get(name="gone.txt")}


def page(client: Client, language: str, path: str, method: str = "get", **data) -> str:
    answer = getattr(client, method)(path, data, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    return answer.content.decode()


def both(client_for_language, path, method="get", **data) -> dict[str, str]:
    return {
        language: page(client_for_language(language), language, path, method, **data)
        for language in LANGUAGES
    }


def assert_german(pages: dict[str, str], wording: Wording, where: str) -> None:
    english, german = texts_of(pages["en"]), texts_of(pages["de"])
    assert english.lang == "en" and german.lang == "de", where
    assert german.texts, where
    left = wording.english_left(english.texts, german.texts)
    assert not left, f"English left on {where}: {left}"


def signed_in(user):
    def client_for(language):
        client = Client()
        client.force_login(user)
        return client

    return client_for


def visitor(language):
    return Client()


def test_every_page_a_visitor_sees_is_german(scene):
    wording = Wording(data_of(scene["alice"]))
    paths = [
        reverse("login"), reverse("signup"), reverse("password_reset"),
        reverse("password_reset_done"), reverse("password_reset_complete"),
        reverse("password_reset_confirm", args=["MQ", "no-such-token"]), "/no-such-page/",
    ]
    for path in paths:
        assert_german(both(visitor, path), wording, path)
    assert_german(both(visitor, reverse("signup"), "post", username="x"), wording, "sign-up")


def test_the_single_sign_on_button_without_a_name_of_its_own_is_german(db, settings):
    env = {"SKYLOCKER_OIDC_SERVER_URL": "https://id.example", "SKYLOCKER_OIDC_CLIENT_ID": "x"}
    for name, value in _oidc_settings(env).items():
        setattr(settings, name, value)
    pages = both(visitor, reverse("login"))
    assert_german(pages, Wording(set()), "the log-in page with single sign-on")
    assert "Sign in with single sign-on" in pages["en"]
    assert "Mit Single Sign-On anmelden" in pages["de"]


def test_the_log_in_warnings_and_the_lockout_are_german(scene, settings):
    settings.AXES_FAILURE_LIMIT = 5
    wording = Wording(data_of(scene["alice"]))
    for attempt in range(5):
        pages = both(visitor, reverse("login"), "post", username="alice", password="wrong")
        assert_german(pages, wording, f"log-in failure {attempt + 1}")
    assert "Noch 1 Versuch" in pages["de"] or "gesperrt" in pages["de"]
    locked = both(visitor, reverse("login"), "post", username="alice", password=PASSWORD)
    assert_german(locked, wording, "lockout")
    assert "Minuten noch einmal" in locked["de"]


def test_every_page_of_a_user_with_files_is_german(scene):
    alice, kept, trashed = scene["alice"], scene["kept"], scene["trashed"]
    wording = Wording(data_of(alice, scene["admin"], scene["bob"]))
    assert FileVersion.objects.of(kept).count() == 1
    paths = [
        reverse("files"), reverse("files") + "?q=kept", reverse("files") + "?q=nothing-like-it",
        reverse("files") + "?sort=nonsense", reverse("upload"), reverse("replace", args=[kept.pk]),
        reverse("rename", args=[kept.pk]), reverse("delete", args=[kept.pk]),
        reverse("versions", args=[kept.pk]), reverse("trash"),
        reverse("trash-delete", args=[trashed.pk]), reverse("trash-empty"), reverse("account"),
        reverse("password_change"),
        reverse("versions", args=["00000000-0000-0000-0000-000000000000"]),
        reverse("files") + f"?folder={scene['folder'].pk}", reverse("file-move", args=[kept.pk]),
        reverse("folder-rename", args=[scene["folder"].pk]),
        reverse("folder-move", args=[scene["folder"].pk]),
        reverse("folder-delete", args=[scene["folder"].pk]),
        reverse("links"), reverse("share-file", args=[kept.pk]), reverse("request-new"),
        reverse("share", args=["no-such-link"]), reverse("file-request", args=["no-such-link"]),
    ]
    for path in paths:
        assert_german(both(signed_in(alice), path), wording, path)
    selection = {"action": "trash", "ids": [str(kept.pk)]}
    assert_german(both(signed_in(alice), reverse("bulk"), "post", **selection), wording, "bulk")


def test_every_message_after_an_action_is_german(scene):
    alice, kept = scene["alice"], scene["kept"]
    wording = Wording(data_of(alice) | {"renamed.txt", "new.txt", "changed"})
    actions = [
        (reverse("rename", args=[kept.pk]), {"name": "renamed.txt"}),
        (reverse("rename", args=[kept.pk]), {"name": "kept.txt"}),
        (reverse("replace", args=[kept.pk]), {"description": "changed"}),
        (reverse("replace", args=[kept.pk]), {"description": "holiday"}),
        (reverse("upload"), {}),
        (reverse("bulk"), {"action": "trash"}),
        (reverse("trash-empty"), {}),
    ]
    for path, data in actions:
        pages = both(signed_in(alice), path, "post", **data)
        assert_german(pages, wording, f"after POST {path}")
        assert 'class="messages"' in pages["de"] or 'role="alert"' in pages["de"], path
    restored = {}
    for language in LANGUAGES:  # each restore makes the content it replaces a version
        version = FileVersion.objects.of(kept).first()
        path = reverse("version-restore", args=[kept.pk, version.pk])
        restored[language] = page(signed_in(alice)(language), language, path, "post")
    assert_german(restored, wording, "after a version's restore")
    assert "im Stand vom" in restored["de"]
    uploaded = {}
    for language in LANGUAGES:
        client = signed_in(alice)(language)
        answer = client.post(
            reverse("upload"),
            {"file": [upload_file("new.txt", b"n\n"), upload_file("e.txt", b"")]},
            HTTP_ACCEPT_LANGUAGE=language, follow=True,
        )
        uploaded[language] = answer.content.decode()
    wording.data.append("e.txt")
    assert_german(uploaded, wording, "after an upload with a refusal")
    assert "1 hochgeladen, 1 abgelehnt: leer." in uploaded["de"]


def test_every_staff_page_is_german(scene):
    admin = scene["admin"]
    wording = Wording(data_of(scene["alice"], admin, scene["bob"]))
    mass = DeletionAlert.objects.filter(kind=DeletionAlert.MASS).get()
    paths = [reverse("all-files"), reverse("trash") + "?view=all",
             reverse("trash-burst", args=[mass.pk])]
    for path in paths:
        assert_german(both(signed_in(admin), path), wording, path)


def test_every_kind_of_mail_is_german(scene):
    wording = Wording(data_of(scene["alice"], scene["admin"], scene["bob"]) | {"ops@example.com"})
    kinds = set()
    for alert in DeletionAlert.objects.all():
        names = [None] + (["owner-notice"] if alert.kind in DeletionAlert.OWNER_TOLD else [])
        for name in names:
            mails = {}
            for language in LANGUAGES:
                with translation.override(language), timezone.override("Europe/Berlin"):
                    subject, body, html = render(alert, name)
                mails[language] = (subject, body, html)
            english = [mails["en"][0], *mails["en"][1].splitlines()]
            german = [mails["de"][0], *mails["de"][1].splitlines()]
            left = wording.english_left(english, german)
            assert not left, f"English left in the {alert.kind} mail ({name}): {left}"
            html_mails = {language: mails[language][2] for language in LANGUAGES}
            assert_german(html_mails, wording, f"the {alert.kind} mail's HTML ({name})")
            kinds.add((alert.kind, name))
    assert {kind for kind, _ in kinds} >= {"trashed", "removed", "purged", "mass", "digest"}
    assert any(name == "owner-notice" for _, name in kinds)


def test_the_password_reset_mail_is_german(scene):
    wording = Wording(data_of(scene["alice"]))
    for language in LANGUAGES:
        Client().post(reverse("password_reset"), {"email": scene["alice"].email},
                      HTTP_ACCEPT_LANGUAGE=language)
    english, german = OutgoingMail.objects.order_by("pk")  # as the worker will send them
    left = wording.english_left(
        [english.subject, *english.body.splitlines()], [german.subject, *german.body.splitlines()]
    )
    assert not left, f"English left in the reset mail: {left}"
    assert german.subject == "[Skylocker] Neues Passwort wählen"


def reauthenticated(user):
    """Signed in and, as allauth asks before its security pages, with the password given again
    (once per language: allauth limits how often)."""
    clients: dict[str, Client] = {}

    def client_for(language):
        if language not in clients:
            client = clients[language] = Client()
            client.force_login(user)
            answer = client.post(reverse("account_reauthenticate"), {"password": PASSWORD},
                                 HTTP_ACCEPT_LANGUAGE=language)
            assert answer.status_code == 302, answer.content
        return clients[language]

    return client_for


def test_the_email_change_and_two_factor_pages_are_german(scene):
    alice = scene["alice"]
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    wording = Wording(data_of(alice) | {"alice@new.example", "testserver"})  # and the site
    paths = [reverse("account_email"), reverse("mfa_index"), reverse("mfa_activate_totp"),
             reverse("mfa_list_webauthn"), reverse("mfa_add_webauthn")]
    asked = both(signed_in(alice), reverse("mfa_activate_totp"))
    assert_german(asked, wording, "the password asked again")
    assert 'name="password"' in asked["de"]
    again = reauthenticated(alice)
    for path in paths:
        pages = both(again, path)
        assert_german(pages, wording, path)
        assert 'name="password"' not in pages["de"], path
        if path == reverse("mfa_activate_totp"):
            assert 'id="authenticator_secret"' in pages["de"]  # the page itself, no redirect

    changing = both(again, reverse("account_email"), "post",
                    email="alice@new.example", action_add="")
    assert_german(changing, wording, "after asking for a new email")
    assert "alice@new.example" in changing["de"]
    cache.clear()  # allauth sends one link a few minutes; the German one is asked for again
    page(again("de"), "de", reverse("account_email"), "post", email="alice@new.example",
         action_send="")
    english, german = OutgoingMail.objects.filter(to="alice@new.example").order_by("pk")
    left = wording.english_left([english.subject, *english.body.splitlines()],
                                [german.subject, *german.body.splitlines()])
    assert not left, f"English left in the mail that verifies a new address: {left}"
    for path in (reverse("account_email"), reverse("account")):
        assert_german(both(signed_in(alice), path), wording, f"{path} with a new email pending")
    cancelled = both(again, reverse("account_email"), "post", email="alice@new.example",
                     action_remove="")
    assert_german(cancelled, wording, "after cancelling the change")
    assert not EmailAddress.objects.filter(email="alice@new.example").exists()

    client = Client()
    client.force_login(alice)
    turn_on_totp(client, PASSWORD)
    assert Authenticator.objects.filter(user=alice, type="totp").exists()
    paths = [reverse("mfa_index"), reverse("mfa_view_recovery_codes"),
             reverse("mfa_generate_recovery_codes"), reverse("mfa_deactivate_totp"),
             reverse("account")]
    for path in paths:
        assert_german(both(again, path), wording, f"{path} with TOTP on")
    refused = both(again, reverse("account_email"), "post", email="alice@new.example",
                   action_add="")  # allauth keeps the address of an account with a second factor
    assert_german(refused, wording, "a new email refused while two-factor sign-in is on")
    assert 'class="error"' in refused["de"]
    second_step = both(visitor, reverse("login"), "post", username="alice", password=PASSWORD)
    assert_german(second_step, wording, "the second step of the log-in")
    assert 'name="code"' in second_step["de"]


def test_the_verification_pages_and_the_staff_second_factor_demand_are_german(scene, settings):
    wording = Wording(data_of(scene["alice"], scene["admin"]))
    for path in (reverse("account_email_verification_sent"),
                 reverse("account_confirm_email", args=["no-such-key"])):
        assert_german(both(visitor, path), wording, path)
    settings.REQUIRE_MFA_FOR_STAFF = True
    EmailAddress.objects.create(user=scene["admin"], email=scene["admin"].email, verified=True,
                                primary=True)
    demanded = both(signed_in(scene["admin"]), reverse("files"))
    assert_german(demanded, wording, "staff sent to set up a second factor")
    assert "Mitarbeiterkonten müssen die Zwei-Faktor-Anmeldung nutzen" in demanded["de"]


def test_the_activity_pages_are_german(scene):
    admin, alice = scene["admin"], scene["alice"]
    wording = Wording(data_of(alice, admin, scene["bob"]))
    assert AuditEvent.objects.filter(actor=alice).exists()
    today = timezone.localdate().isoformat()
    for path in [reverse("activity"), reverse("activity") + "?before=1"]:
        assert_german(both(signed_in(alice), path), wording, path)
    everyone = reverse("activity-all")
    paths = [reverse("activity"), everyone, everyone + "?user=alice",
             everyone + "?action=file.deleted", everyone + f"?since={today}&until={today}",
             everyone + "?since=yesterday", everyone + "?user=nobody-at-all"]
    for path in paths:
        assert_german(both(signed_in(admin), path), wording, path)


def test_the_app_password_pages_are_german(scene):
    alice = scene["alice"]
    wording = Wording(data_of(alice) | {"phone", "tablet"})
    AppPassword.objects.create(user=alice, name="tablet", digest="0" * 64)
    created = both(signed_in(alice), reverse("app-password-create"), "post", name="phone")
    assert_german(created, wording, "the app password shown once")
    assert AppPassword.objects.filter(user=alice, name="phone").count() == 2
    assert_german(both(signed_in(alice), reverse("account")), wording, "account with app passwords")
    refused = both(signed_in(alice), reverse("app-password-create"), "post", name="")
    assert_german(refused, wording, "an app password without a name")


def test_the_preview_pages_and_the_list_with_thumbnails_are_german(scene, settings):
    alice = scene["alice"]
    picture = StoredFile.create_from_upload(alice, upload_file("sky.png", png(), "image/png"))
    document = StoredFile.create_from_upload(alice, upload_file("plan.pdf", pdf(), "x/y"))
    notes = StoredFile.create_from_upload(alice, upload_file("notes.txt", b"Hello there\n"))
    empty_zip = b"PK\x05\x06" + bytes(18)
    archive = StoredFile.create_from_upload(alice, upload_file("old.zip", empty_zip))
    make_due()
    assert Preview.objects.filter(state=Preview.READY).count() == 2
    waiting = StoredFile.create_from_upload(alice, upload_file("later.png", png(), "image/png"))
    settings.PREVIEW_MAX_BYTES = 100
    too_big = StoredFile.create_from_upload(alice, upload_file("huge.png", png(), "image/png"))
    assert Preview.objects.filter(state=Preview.PENDING).count() == 1
    assert Preview.objects.filter(state=Preview.SKIPPED).count() == 1
    wording = Wording(data_of(alice) | {"Hello there"})
    rows = (picture, document, notes, archive, waiting, too_big)
    paths = [reverse("preview", args=[row.pk]) for row in rows]
    paths += [reverse("files"), reverse("files") + f"?folder={scene['folder'].pk}"]
    for path in paths:
        assert_german(both(signed_in(alice), path), wording, path)
