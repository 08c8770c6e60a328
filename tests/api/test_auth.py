from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.utils import timezone

from api.models import ApiToken, token_digest
from tests.conftest import PASSWORD

User = get_user_model()
REGISTER = "/api/v1/auth/register"
TOKEN = "/api/v1/auth/token"
NEW_USER = {
    "username": "carol",
    "email": "carol@example.com",
    "first_name": "Carol",
    "last_name": "Danvers",
    "password": "higher-further-faster-1",
}


def test_register_creates_a_user_who_can_then_get_a_token(anon, db):
    response = anon.post(REGISTER, NEW_USER, format="json")
    assert response.status_code == 201
    carol = User.objects.get(username="carol")
    assert response.json() == {
        "id": carol.pk,
        "username": "carol",
        "email": "carol@example.com",
        "first_name": "Carol",
        "last_name": "Danvers",
    }
    assert carol.check_password(NEW_USER["password"])
    login = {"username": "carol", "password": NEW_USER["password"]}
    assert anon.post(TOKEN, login, format="json").status_code == 200


def test_register_refuses_a_duplicate_username_and_email_with_field_errors(anon, alice):
    response = anon.post(
        REGISTER, {**NEW_USER, "username": "alice", "email": "ALICE@example.com"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["username"] == ["A user with that username already exists."]
    assert body["email"] == ["An account with this email already exists."]
    assert body["detail"]
    assert User.objects.count() == 1


def test_register_applies_the_sign_up_pages_password_rules(anon, db):
    response = anon.post(REGISTER, {**NEW_USER, "password": "12345"}, format="json")
    assert response.status_code == 400
    messages = response.json()["password"]
    assert any("too short" in m for m in messages)
    assert any("entirely numeric" in m for m in messages)
    assert not User.objects.exists()


def test_register_lists_every_missing_field(anon, db):
    response = anon.post(REGISTER, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", *NEW_USER}
    assert not User.objects.exists()


def test_a_token_is_shown_once_and_stored_only_as_its_hash(anon, alice):
    response = anon.post(TOKEN, {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    raw = response.json()["token"]
    token = ApiToken.objects.get(user=alice)
    assert token.digest == token_digest(raw) != raw
    assert token.expires_at > timezone.now() + timedelta(days=29)
    me = anon.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.json()["username"] == "alice"


def test_a_wrong_password_gets_401_and_no_token(anon, alice):
    response = anon.post(TOKEN, {"username": "alice", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong username or password."}
    assert not ApiToken.objects.exists()


def test_repeated_failures_lock_the_pair_out_even_with_the_right_password(anon, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anon.post(TOKEN, {"username": "alice", "password": "wrong"}, format="json")
    assert AccessAttempt.objects.get(username="alice").failures_since_start >= 5
    response = anon.post(TOKEN, {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "Too many failed log-ins" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_lockout_of_alice_leaves_bob_free_to_log_in(anon, alice, bob, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anon.post(TOKEN, {"username": "alice", "password": "wrong"}, format="json")
    response = anon.post(TOKEN, {"username": "bob", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert ApiToken.objects.get().user == bob


def test_auth_endpoints_are_rate_limited(anon, db):
    # The token endpoint; register has the sign-up rate as well (tests/test_signup_throttle.py).
    statuses = [anon.post(TOKEN, {}, format="json").status_code for _ in range(21)]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429
    assert "throttled" in anon.post(TOKEN, {}, format="json").json()["detail"]


def test_a_client_cannot_dodge_the_rate_limit_by_writing_x_forwarded_for(anon, db):
    statuses = [
        anon.post(TOKEN, {}, format="json", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(21)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429


def test_deleting_the_token_makes_it_stop_working(alice_api, alice):
    assert alice_api.delete(TOKEN).status_code == 204
    assert not ApiToken.objects.filter(user=alice).exists()
    response = alice_api.get("/api/v1/me")
    assert response.status_code == 401
    assert "not valid or has expired" in response.json()["detail"]


def test_deleting_a_token_needs_one(anon, alice_api, alice):
    assert anon.delete(TOKEN).status_code == 401
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_an_expired_token_gets_401(alice_api, alice):
    ApiToken.objects.filter(user=alice).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = alice_api.get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_users_token_stops_working(alice_api, alice):
    alice.is_active = False
    alice.save()
    assert alice_api.get("/api/v1/me").status_code == 401


def test_me_describes_the_caller(alice_api, admin_api, alice, admin):
    assert alice_api.get("/api/v1/me").json() == {
        "id": alice.pk,
        "username": "alice",
        "email": "alice@example.com",
        "first_name": "Alice",
        "last_name": "Liddell",
        "is_staff": False,
        "quota_bytes": 1024**3,
        "used_bytes": 0,
    }
    assert admin_api.get("/api/v1/me").json()["is_staff"] is True


def test_anonymous_callers_get_401_with_a_message(anon, db):
    response = anon.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == 'Bearer realm="skylocker"'


def test_a_browser_session_works_too(alice_client):
    assert alice_client.get("/api/v1/me").json()["username"] == "alice"


def test_a_browser_session_needs_csrf_to_change_anything(client, alice, alice_file):
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    response = csrf_client.delete(f"/api/v1/files/{alice_file.pk}")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert alice_file.__class__.objects.filter(pk=alice_file.pk).exists()


def test_staff_can_revoke_a_token_in_the_admin_without_seeing_it(client, admin, alice_api, alice):
    client.force_login(admin)
    token = ApiToken.objects.get(user=alice)
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert alice_api.raw_token not in page.content.decode()
    assert token.digest not in page.content.decode()
    response = client.post(f"/admin/api/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert alice_api.get("/api/v1/me").status_code == 401
