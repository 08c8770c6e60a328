"""The database over TLS only: MySQL refuses plaintext, the app checks the server certificate."""

import re
import subprocess

import pytest
from conftest import INFRA_DIR, only, resources, user_data

from skylocker_infra.app import build_app
from skylocker_infra.settings import CA_STANDIN, check_ca_bundle

REAL_DEPLOY = {
    "skylocker:hostedZoneName": "files.acme-corp.eu",
    "skylocker:appDomain": "app.files.acme-corp.eu",
    "skylocker:downloadsDomain": "dl.files.acme-corp.eu",
    "skylocker:hostedZoneId": "Z08151234ACMEFILES",
    "skylocker:appAmis": {"eu-west-1": "ami-0a1b2c3d4e5f60718"},
}


def parameter_group(template: dict, database: dict) -> dict:
    return template["Resources"][database["Properties"]["DBParameterGroupName"]["Ref"]]


def test_primary_and_replica_require_secure_transport_and_allow_the_migrations_triggers(raw):
    for name in ("Skylocker-Primary", "Skylocker-DrDatabase"):
        template = raw[name]
        _, database = only(template, "AWS::RDS::DBInstance")
        group = parameter_group(template, database)
        assert group["Type"] == "AWS::RDS::DBParameterGroup"
        assert group["Properties"]["Parameters"] == {
            "require_secure_transport": "1",
            "log_bin_trust_function_creators": "1",  # CREATE TRIGGER with binary logging on
        }, name
        assert group["Properties"]["Family"].startswith("mysql8"), name
        assert database["Properties"]["CACertificateIdentifier"] == "rds-ca-rsa2048-g1", name


def test_the_app_verifies_the_database_certificate_with_the_shipped_bundle(
    primary_raw, outdir, settings
):
    (ca_file,) = [
        p["Properties"]["Value"]
        for p in resources(primary_raw, "AWS::SSM::Parameter").values()
        if p["Properties"]["Name"] == "/skylocker/env/SKYLOCKER_DB_CA_FILE"
    ]
    script = user_data(primary_raw)
    url = re.search(r'aws s3 cp --region \S+ "(s3://[^"]+\.pem)" (\S+)', script)
    assert url.group(2) == ca_file
    shipped = outdir / f"asset.{url.group(1).rsplit('/', 1)[1]}"
    assert shipped.read_bytes() == settings.db_ca_bundle.read_bytes()


def test_no_ca_bundle_is_committed_the_operator_fetches_aws_own():
    tracked = subprocess.run(
        ["git", "ls-files", "*.pem"], cwd=INFRA_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == []


def test_offline_checks_ship_a_stand_in_that_trusts_no_server(settings):
    if settings.db_ca_bundle.name == "rds-ca-standin.pem":
        assert settings.db_ca_bundle.read_text() == CA_STANDIN
        assert "BEGIN CERTIFICATE" not in settings.db_ca_bundle.read_text()
    else:  # an operator's checkout that has fetched AWS's bundle checks that one
        check_ca_bundle(settings.db_ca_bundle, (settings.primary_region, settings.dr_region))


def test_a_deploy_without_the_bundle_is_refused(tmp_path):
    context = {**REAL_DEPLOY, "skylocker:dbCaBundle": str(tmp_path / "missing.pem")}
    with pytest.raises(ValueError, match="make -C infra rds-ca"):
        build_app(outdir=str(tmp_path / "out"), context=context)


def test_a_bundle_without_the_dr_regions_root_is_refused(tmp_path, rds_root):
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(rds_root("eu-west-1"))
    with pytest.raises(ValueError, match="eu-central-1"):
        check_ca_bundle(bundle, ("eu-west-1", "eu-central-1"))
    bundle.write_text(rds_root("eu-west-1") + rds_root("eu-central-1"))
    check_ca_bundle(bundle, ("eu-west-1", "eu-central-1"))


def test_a_deploy_with_both_regions_roots_synthesizes(tmp_path, rds_bundle):
    context = {**REAL_DEPLOY, "skylocker:dbCaBundle": str(rds_bundle)}
    assert build_app(outdir=str(tmp_path / "out"), context=context)
