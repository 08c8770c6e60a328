"""CloudFront signed download URLs, verified offline with the public key as CloudFront would.

CloudFront's rule for a canned policy: the policy is the JSON
{"Statement":[{"Resource":URL,"Condition":{"DateLessThan":{"AWS:EpochTime":EXPIRES}}}]}
without whitespace, signed with RSA-SHA1 (PKCS#1 v1.5); the signature travels base64-encoded
with + = / replaced by - _ ~.
"""

import base64
import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.urls import reverse

from tests.conftest import client_for

DOMAIN = "files.skylocker.example"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def key_pair():
    return new_key()


@pytest.fixture
def cloudfront(settings, key_pair):
    settings.CLOUDFRONT_DOMAIN = DOMAIN
    settings.CLOUDFRONT_KEY_ID = "K2JCJMDEHXQW5F"
    settings.CLOUDFRONT_PRIVATE_KEY = key_pair.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pair.public_key()


def verify(url: str, public_key) -> dict:
    """Check a CloudFront canned-policy URL; returns its fields, raises InvalidSignature."""
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    resource = f"{parts.scheme}://{parts.netloc}{parts.path}"
    condition = '{"DateLessThan":{"AWS:EpochTime":' + query["Expires"] + "}}"
    policy = '{"Statement":[{"Resource":"' + resource + '","Condition":' + condition + "}]}"
    signature = base64.b64decode(
        query["Signature"].replace("-", "+").replace("_", "=").replace("~", "/")
    )
    public_key.verify(signature, policy.encode(), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    return {"resource": resource, **query}


def download_url(client, user, stored) -> str:
    response = client_for(client, user).get(reverse("download", args=[stored.pk]))
    assert response.status_code == 302
    return response["Location"]


def test_a_download_redirects_to_a_cloudfront_url_signed_for_that_object(
    client, alice, alice_file, cloudfront, settings
):
    before = int(time.time())
    url = download_url(client, alice, alice_file)
    after = int(time.time())

    fields = verify(url, cloudfront)
    assert fields["resource"] == f"https://{DOMAIN}/{quote(alice_file.file.name)}"
    assert fields["Key-Pair-Id"] == "K2JCJMDEHXQW5F"
    expires = int(fields["Expires"])
    assert before + settings.DOWNLOAD_URL_TTL <= expires <= after + settings.DOWNLOAD_URL_TTL + 1


def test_the_ttl_setting_decides_when_the_url_expires(
    client, alice, alice_file, cloudfront, settings
):
    settings.DOWNLOAD_URL_TTL = 30
    before = int(time.time())

    expires = int(verify(download_url(client, alice, alice_file), cloudfront)["Expires"])

    assert before + 30 <= expires <= int(time.time()) + 31


def test_a_url_with_another_object_key_fails_verification(
    client, alice, alice_file, bob_file, cloudfront
):
    url = download_url(client, alice, alice_file)
    tampered = url.replace(quote(alice_file.file.name), quote(bob_file.file.name))

    assert tampered != url
    with pytest.raises(InvalidSignature):
        verify(tampered, cloudfront)


def test_a_url_with_a_later_expiry_fails_verification(client, alice, alice_file, cloudfront):
    url = download_url(client, alice, alice_file)
    expires = parse_qs(urlsplit(url).query)["Expires"][0]

    with pytest.raises(InvalidSignature):
        verify(url.replace(f"Expires={expires}", f"Expires={int(expires) + 86400}"), cloudfront)


def test_a_url_signed_by_another_key_fails_verification(client, alice, alice_file, cloudfront):
    url = download_url(client, alice, alice_file)

    with pytest.raises(InvalidSignature):
        verify(url, new_key().public_key())


def test_someone_elses_file_gets_404_and_no_signed_url(client, bob, alice_file, cloudfront):
    response = client_for(client, bob).get(reverse("download", args=[alice_file.pk]))

    assert response.status_code == 404
    assert "Location" not in response
