"""The sign-up page (and the API's register, counted together) take a limited number of sign-ups
from one address."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

ADDRESS = "198.51.100.77"


@pytest.fixture(autouse=True)
def three_an_hour(db, settings):
    settings.ADDRESS_RATES = {**settings.ADDRESS_RATES, "signup": "3/hour"}
    cache.clear()
    yield
    cache.clear()


def person(n):
    return {
        "first_name": "Sam",
        "last_name": f"Person{n}",
        "email": f"sam{n}@example.com",
        "username": f"sam{n}",
    }


def page_sign_up(n, ip=ADDRESS):
    data = {
        **person(n),
        "password1": "higher-further-faster-1",
        "password2": "higher-further-faster-1",
    }
    return Client().post(reverse("signup"), data, REMOTE_ADDR=ip)


def test_the_sign_up_page_refuses_an_address_past_its_rate(db):
    answers = [page_sign_up(n).status_code for n in range(4)]

    assert answers == [302, 302, 302, 429]
    assert sorted(get_user_model().objects.values_list("username", flat=True)) == [
        "sam0",
        "sam1",
        "sam2",
    ]
    assert page_sign_up(9, ip="203.0.113.5").status_code == 302  # another address


def test_the_api_register_shares_the_pages_count(db):
    for n in range(3):
        page_sign_up(n)
    response = APIClient().post(
        "/api/v1/auth/register",
        {**person(5), "password": "higher-further-faster-1"},
        format="json",
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 429
    assert not get_user_model().objects.filter(username="sam5").exists()
