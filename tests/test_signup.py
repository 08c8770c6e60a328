"""Sign-up: Django's password validators, unique username and email, signed in afterwards."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

User = get_user_model()


def form(**changes):
    data = {
        "first_name": "Carol",
        "last_name": "Castle",
        "email": "carol@example.com",
        "username": "carol",
        "password1": "violet-harbour-lantern-7",
        "password2": "violet-harbour-lantern-7",
    }
    return {**data, **changes}


@pytest.mark.argon2
def test_a_new_user_signs_up_and_is_signed_in(client, db):
    response = client.post(reverse("signup"), form())
    assert response.status_code == 302
    assert response.url == reverse("files")
    carol = User.objects.get(username="carol")
    assert (carol.first_name, carol.last_name, carol.email) == (
        "Carol",
        "Castle",
        "carol@example.com",
    )
    assert not carol.is_staff and not carol.is_superuser
    assert carol.password.startswith("argon2")
    assert client.get(reverse("files")).context["user"] == carol


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pw!", "at least 10 characters"),
        ("password123", "too common"),
        ("4829301746", "entirely numeric"),
        ("carol@example.co", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_reason(client, db, password, message):
    response = client.post(reverse("signup"), form(password1=password, password2=password))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_mismatched_passwords_are_refused(client, db):
    response = client.post(reverse("signup"), form(password2="something-else-entirely"))
    assert response.status_code == 400
    assert "didn" in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_a_taken_username_is_refused(client, alice):
    response = client.post(reverse("signup"), form(username="alice"))
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="alice").count() == 1
    assert "_auth_user_id" not in client.session


def test_a_taken_email_is_refused_whatever_its_case(client, alice):
    response = client.post(reverse("signup"), form(email="ALICE@Example.COM"))
    assert response.status_code == 400
    assert "An account with this email already exists." in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.parametrize("field", ["first_name", "last_name", "email", "username"])
def test_every_field_is_required(client, db, field):
    response = client.post(reverse("signup"), form(**{field: ""}))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert User.objects.count() == 0


def test_markup_in_a_name_is_escaped_on_the_sign_up_page(client, db):
    response = client.post(reverse("signup"), form(first_name="<script>x</script>", email="bad"))
    assert response.status_code == 400
    assert "<script>x</script>" not in response.content.decode()
    assert User.objects.count() == 0


def test_a_signed_in_user_is_sent_to_their_files(alice_client):
    response = alice_client.get(reverse("signup"))
    assert response.status_code == 302
    assert response.url == reverse("files")


def test_a_username_that_differs_only_in_case_is_refused(client, alice):
    response = client.post(reverse("signup"), form(username="ALICE"))
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_the_home_page_sends_visitors_to_login_and_users_to_their_files(client, alice):
    assert client.get("/").url == reverse("login")
    client.force_login(alice)
    assert client.get("/").url == reverse("files")


@pytest.fixture
def taken_meanwhile(monkeypatch):
    """Someone else takes the username between the form's check and the insert (a double click)."""
    from accounts.forms import SignUpForm

    real_create_user = SignUpForm.create_user

    def create_after_the_other_one(form, **where):
        User.objects.create_user(form.cleaned_data["username"], "other@example.com", "x")
        return real_create_user(form, **where)

    monkeypatch.setattr(SignUpForm, "create_user", create_after_the_other_one)


def test_a_username_taken_during_sign_up_is_a_form_error_not_a_crash(client, db, taken_meanwhile):
    response = client.post(reverse("signup"), form())

    assert response.status_code == 400
    assert b"A user with that username already exists." in response.content
    assert list(User.objects.values_list("email", flat=True)) == ["other@example.com"]
    assert "_auth_user_id" not in client.session


def test_a_username_taken_during_registration_is_a_400_on_the_api(db, taken_meanwhile):
    from rest_framework.test import APIClient

    response = APIClient().post(
        "/api/v1/auth/register",
        {"username": "carol", "email": "carol@example.com", "first_name": "Carol",
         "last_name": "Castle", "password": "violet-harbour-lantern-7"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["username"] == ["A user with that username already exists."]
    assert User.objects.count() == 1


def test_an_email_taken_during_sign_up_is_a_form_error_and_makes_no_second_account(
    client, db, monkeypatch
):
    from accounts.forms import SignUpForm

    real_create_user = SignUpForm.create_user

    def create_after_the_other_one(form, **where):
        User.objects.create_user("carol2", "CAROL@example.com", "x")  # the double click's twin
        return real_create_user(form, **where)

    monkeypatch.setattr(SignUpForm, "create_user", create_after_the_other_one)

    response = client.post(reverse("signup"), form())

    assert response.status_code == 400
    assert b"An account with this email already exists." in response.content
    assert list(User.objects.values_list("username", flat=True)) == ["carol2"]
