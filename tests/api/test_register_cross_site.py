"""Another site's form cannot post to the register endpoint: it takes JSON only."""

from django.contrib.auth import get_user_model

REGISTER = "/api/v1/auth/register"
NEW_USER = {
    "username": "mallory",
    "email": "mallory@example.com",
    "first_name": "Mal",
    "last_name": "Lory",
    "password": "higher-further-faster-1",
}


def test_register_refuses_a_cross_site_form_post(client, db):
    response = client.post(REGISTER, NEW_USER, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_register_refuses_a_urlencoded_form_post(client, db):
    response = client.post(
        REGISTER,
        "username=mallory&email=mallory%40example.com&first_name=M&last_name=L"
        "&password=higher-further-faster-1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert not get_user_model().objects.exists()


def test_register_still_takes_json(client, db):
    response = client.post(REGISTER, NEW_USER, content_type="application/json")
    assert response.status_code == 201
    assert get_user_model().objects.filter(username="mallory").exists()
