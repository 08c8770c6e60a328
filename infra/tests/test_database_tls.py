"""The database over TLS only: MySQL refuses plaintext, the app checks the server certificate."""

import re
import subprocess

from conftest import INFRA_DIR, only, resources, user_data

BUNDLE = INFRA_DIR / "skylocker_infra/instance/rds-ca-bundle.pem"


def parameter_group(template: dict, database: dict) -> dict:
    return template["Resources"][database["Properties"]["DBParameterGroupName"]["Ref"]]


def test_primary_and_replica_require_secure_transport(raw):
    for name in ("Skylocker-Primary", "Skylocker-DrDatabase"):
        template = raw[name]
        _, database = only(template, "AWS::RDS::DBInstance")
        group = parameter_group(template, database)
        assert group["Type"] == "AWS::RDS::DBParameterGroup"
        assert group["Properties"]["Parameters"] == {"require_secure_transport": "1"}, name
        assert group["Properties"]["Family"].startswith("mysql8"), name
        assert database["Properties"]["CACertificateIdentifier"] == "rds-ca-rsa2048-g1", name


def test_the_app_verifies_the_database_certificate_with_the_shipped_bundle(primary_raw, outdir):
    (ca_file,) = [
        p["Properties"]["Value"]
        for p in resources(primary_raw, "AWS::SSM::Parameter").values()
        if p["Properties"]["Name"] == "/skylocker/env/SKYLOCKER_DB_CA_FILE"
    ]
    script = user_data(primary_raw)
    url = re.search(r'aws s3 cp --region \S+ "(s3://[^"]+\.pem)" (\S+)', script)
    assert url.group(2) == ca_file
    shipped = outdir / f"asset.{url.group(1).rsplit('/', 1)[1]}"
    assert shipped.read_bytes() == BUNDLE.read_bytes()


def test_the_bundle_holds_the_rds_roots_of_both_regions(settings):
    text = BUNDLE.read_text()
    certificates = re.findall(
        r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", text, re.S
    )
    assert len(certificates) > 20
    subjects = []
    for certificate in certificates:
        result = subprocess.run(
            ["openssl", "x509", "-noout", "-subject"],
            input=certificate,
            capture_output=True,
            text=True,
            check=True,
        )
        subjects.append(result.stdout)
    for region in (settings.primary_region, settings.dr_region):
        assert any(f"Amazon RDS {region} Root CA RSA2048 G1" in s for s in subjects), region
