"""The instances get exactly the environment the app documents, from Parameter Store and Secrets
Manager (configure.py, run on each instance, is exercised here with fake AWS clients)."""

import importlib.util
import json
import os
import stat
import sys
import types

import pytest
from conftest import INFRA_DIR, flatten, only, resources

REPO = INFRA_DIR.parent
# What the app reads (brief of the app and README.md), set on AWS.
DOCUMENTED_ON_AWS = {
    "SKYLOCKER_DATA_DIR",
    "HOST",
    "PORT",
    "WEB_CONCURRENCY",
    "DATABASE_URL",
    "DEFAULT_FROM_EMAIL",
    "SKYLOCKER_ADMIN_EMAILS",
    "SKYLOCKER_MAX_UPLOAD_BYTES",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "SKYLOCKER_HTTPS",
    "SKYLOCKER_PROXIES",
    "SKYLOCKER_S3_BUCKET",
    "AWS_REGION",
    "SKYLOCKER_S3_ACCELERATE",
    "SKYLOCKER_CLOUDFRONT_DOMAIN",
    "SKYLOCKER_CLOUDFRONT_KEY_ID",
    "SKYLOCKER_CLOUDFRONT_PRIVATE_KEY_FILE",
    "SKYLOCKER_DOWNLOAD_URL_TTL",
    "SKYLOCKER_SNS_TOPIC_ARN",
    "SKYLOCKER_ALERT_CHANNELS",
    "SKYLOCKER_DB_CA_FILE",
}
FROM_SECRETS = {"DATABASE_URL", "SECRET_KEY_FILE", "SKYLOCKER_CLOUDFRONT_PRIVATE_KEY_FILE"}


def parameters(primary_raw) -> dict[str, object]:
    found = {}
    for parameter in resources(primary_raw, "AWS::SSM::Parameter").values():
        name = parameter["Properties"]["Name"]
        if name.startswith("/skylocker/env/"):
            found[name.removeprefix("/skylocker/env/")] = parameter["Properties"]["Value"]
    return found


def test_parameters_and_secrets_give_exactly_the_documented_variables(primary_raw):
    assert set(parameters(primary_raw)) | FROM_SECRETS == DOCUMENTED_ON_AWS
    assert not set(parameters(primary_raw)) & FROM_SECRETS


def read_by_the_app(name: str) -> bool:
    """settings.py reads it by name (a secret through envsecret, which adds _FILE), or bin/serve."""
    settings = (REPO / "skylocker/settings.py").read_text()
    serve = (REPO / "bin/serve").read_text()
    if name == "DATABASE_URL":  # dj_database_url.config() reads DATABASE_URL itself
        return "dj_database_url.config(" in settings
    secret = name.removesuffix("_FILE")
    return (
        f'"{name}"' in settings
        or (name.endswith("_FILE") and f'envsecret("{secret}")' in settings)
        or f"${{{name}" in serve
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTED_ON_AWS))
def test_every_variable_set_is_one_the_app_reads_and_the_readme_documents(name):
    assert read_by_the_app(name)
    assert f"`{name}`" in (REPO / "README.md").read_text()


def test_production_values_point_at_the_stack_resources(primary_raw, settings):
    values = {name: flatten(value) for name, value in parameters(primary_raw).items()}
    assert values["SKYLOCKER_HTTPS"] == "1"
    assert values["SKYLOCKER_PROXIES"] == "1"
    assert values["SKYLOCKER_S3_ACCELERATE"] == "1"
    assert values["ALLOWED_HOSTS"] == settings.app_domain
    assert values["SKYLOCKER_CLOUDFRONT_DOMAIN"] == settings.downloads_domain
    assert values["AWS_REGION"] == settings.primary_region
    files_bucket = next(
        k for k in resources(primary_raw, "AWS::S3::Bucket") if k.startswith("Files")
    )
    assert values["SKYLOCKER_S3_BUCKET"] == "${" + files_bucket + "}"
    topic = next(iter(resources(primary_raw, "AWS::SNS::Topic")))
    assert values["SKYLOCKER_SNS_TOPIC_ARN"] == "${" + topic + "}"
    public_key = next(iter(resources(primary_raw, "AWS::CloudFront::PublicKey")))
    assert values["SKYLOCKER_CLOUDFRONT_KEY_ID"] == "${" + public_key + "}"
    assert values["SKYLOCKER_ADMIN_EMAILS"] == "${AdminEmail}"
    assert "sns" in values["SKYLOCKER_ALERT_CHANNELS"].split(",")
    assert values["SKYLOCKER_DATA_DIR"].startswith("/var/lib/")


class FakePaginator:
    def __init__(self, pages):
        self.pages = pages
        self.calls = []

    def paginate(self, **kwargs):
        self.calls.append(kwargs)
        return iter(self.pages)


class FakeSsm:
    def __init__(self, pages):
        self.paginator = FakePaginator(pages)

    def get_paginator(self, name):
        assert name == "get_parameters_by_path"
        return self.paginator


class FakeSecrets:
    def __init__(self, values):
        self.values = values

    def get_secret_value(self, SecretId):  # noqa: N803 - boto3's spelling
        return {"SecretString": self.values[SecretId]}


DATABASE_SECRET = {
    "username": "skylocker",
    "password": 'p@ss:w/rd"%',
    "host": "db.internal",
    "port": 3306,
    "dbname": "skylocker",
}


def run_configure(tmp_path, monkeypatch, database: dict, database_name: str = "skylocker"):
    """configure.py's main() with fake SSM and Secrets Manager clients, writing into tmp_path."""
    ssm = FakeSsm(
        [
            {
                "Parameters": [
                    {"Name": "/skylocker/env/ALLOWED_HOSTS", "Value": "app.example.org"},
                    {"Name": "/skylocker/env/SKYLOCKER_HTTPS", "Value": "1"},
                ]
            },
            {
                "Parameters": [
                    {"Name": "/skylocker/env/EMAIL_URL", "Value": 'smtp+tls://u:p"w@mail:587'}
                ]
            },
        ]
    )
    secrets = FakeSecrets(
        {
            "db-arn": json.dumps(database),
            "key-arn": "django-key",
            "skylocker/cloudfront-private-key": "-----BEGIN RSA PRIVATE KEY-----\nx\n",
        }
    )
    clients = {"ssm": ssm, "secretsmanager": secrets}
    fake_boto3 = types.ModuleType("boto3")
    fake_boto3.client = lambda name, region_name: clients[name]
    monkeypatch.setitem(sys.modules, "boto3", fake_boto3)
    spec = importlib.util.spec_from_file_location(
        "skylocker_configure", INFRA_DIR / "skylocker_infra/instance/configure.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ETC", tmp_path)
    monkeypatch.setattr(
        module.grp, "getgrnam", lambda name: types.SimpleNamespace(gr_gid=os.getgid())
    )
    owners = []
    monkeypatch.setattr(
        module.os, "chown", lambda path, uid, gid: owners.append((str(path), uid, gid))
    )
    module.main("eu-west-1", "db-arn", "key-arn", "skylocker/cloudfront-private-key", database_name)
    return tmp_path, ssm, owners


@pytest.fixture
def configure(tmp_path, monkeypatch):
    return run_configure(tmp_path, monkeypatch, DATABASE_SECRET)


def read_env_file(path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        name, _, quoted = line.partition("=")
        assert quoted.startswith('"') and quoted.endswith('"'), line
        env[name] = quoted[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return env


def test_configure_writes_the_env_file_from_parameters_and_secrets(configure):
    etc, ssm, _ = configure
    env = read_env_file(etc / "env")
    assert ssm.paginator.calls == [{"Path": "/skylocker/env/", "WithDecryption": True}]
    assert env["ALLOWED_HOSTS"] == "app.example.org"
    assert env["EMAIL_URL"] == 'smtp+tls://u:p"w@mail:587'
    assert (
        env["DATABASE_URL"] == "mysql://skylocker:p%40ss%3Aw%2Frd%22%25@db.internal:3306/skylocker"
    )
    assert env["SECRET_KEY_FILE"] == str(etc / "secret-key")
    assert (etc / "secret-key").read_text() == "django-key"
    assert env["SKYLOCKER_CLOUDFRONT_PRIVATE_KEY_FILE"] == str(etc / "cloudfront-private-key.pem")
    assert (
        (etc / "cloudfront-private-key.pem")
        .read_text()
        .startswith("-----BEGIN RSA PRIVATE KEY-----")
    )


def test_configure_keeps_secrets_readable_by_the_app_group_only(configure):
    etc, _, owners = configure
    for name in ("env", "secret-key", "cloudfront-private-key.pem"):
        mode = stat.S_IMODE((etc / name).stat().st_mode)
        assert mode == 0o640, (name, oct(mode))
    assert {(os.path.basename(p), uid) for p, uid, _ in owners} == {
        ("env.tmp", 0),
        ("secret-key.tmp", 0),
        ("cloudfront-private-key.tmp", 0),
    }


def test_database_url_names_the_stacks_database_when_the_secret_has_no_dbname(
    tmp_path, monkeypatch
):
    # The secret RDS generates for an instance carries engine, host, port, username and
    # password, but no dbname.
    database = {k: v for k, v in DATABASE_SECRET.items() if k != "dbname"}
    etc, _, _ = run_configure(tmp_path, monkeypatch, database, database_name="lockerdb")
    env = read_env_file(etc / "env")
    assert (
        env["DATABASE_URL"] == "mysql://skylocker:p%40ss%3Aw%2Frd%22%25@db.internal:3306/lockerdb"
    )


def test_a_dbname_in_the_secret_wins_over_the_stacks_name(tmp_path, monkeypatch):
    database = {**DATABASE_SECRET, "dbname": "restored"}
    etc, _, _ = run_configure(tmp_path, monkeypatch, database, database_name="skylocker")
    assert read_env_file(etc / "env")["DATABASE_URL"].endswith("@db.internal:3306/restored")


def test_the_config_unit_passes_the_name_the_database_is_created_with(primary_raw):
    _, database = only(primary_raw, "AWS::RDS::DBInstance")
    _, template = only(primary_raw, "AWS::EC2::LaunchTemplate")
    script = flatten(template["Properties"]["LaunchTemplateData"]["UserData"])
    (exec_start,) = [
        line
        for line in script.splitlines()
        if line.startswith("ExecStart=") and "configure.py" in line
    ]
    assert exec_start.split()[-1] == database["Properties"]["DBName"]
    assert len(exec_start.split()) == 2 + 5
