"""Synthesizes the whole CDK app once for the test session, into a temporary folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

INFRA_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(INFRA_DIR))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from skylocker_infra.app import build_app  # noqa: E402
from skylocker_infra.settings import Settings  # noqa: E402

STACKS = ("Skylocker-Certificate", "Skylocker-DrFiles", "Skylocker-Primary", "Skylocker-DrDatabase")


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("cdk.out")
    # The committed cdk.json holds placeholders (example.com, a placeholder image): the checks
    # synthesize them as `make synth` does.
    app = build_app(outdir=str(outdir), context={"skylocker:checkOnly": True})
    assembly = app.synth()
    return app, assembly, outdir


def synth_with(outdir: Path, context: dict) -> dict[str, dict]:
    """Another synthesis with some context changed (the placeholders still allowed): each
    stack's template as plain JSON."""
    build_app(outdir=str(outdir), context={"skylocker:checkOnly": True, **context}).synth()
    return {name: json.loads((outdir / f"{name}.template.json").read_text()) for name in STACKS}


@pytest.fixture(scope="session")
def outdir(synthesized) -> Path:
    return synthesized[2]


@pytest.fixture(scope="session")
def settings(synthesized) -> Settings:
    return Settings.from_node(synthesized[0].node)


@pytest.fixture(scope="session")
def manifest(outdir) -> dict:
    return json.loads((outdir / "manifest.json").read_text())


@pytest.fixture(scope="session")
def raw(outdir) -> dict[str, dict]:
    """Each stack's template as plain JSON."""
    return {name: json.loads((outdir / f"{name}.template.json").read_text()) for name in STACKS}


@pytest.fixture(scope="session")
def templates(raw) -> dict[str, Template]:
    return {name: Template.from_json(template) for name, template in raw.items()}


@pytest.fixture(scope="session")
def primary(templates) -> Template:
    return templates["Skylocker-Primary"]


@pytest.fixture(scope="session")
def primary_raw(raw) -> dict:
    return raw["Skylocker-Primary"]


def resources(template: dict, kind: str) -> dict[str, dict]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == kind}


def only(template: dict, kind: str) -> tuple[str, dict]:
    found = resources(template, kind)
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    return next(iter(found.items()))


def flatten(value) -> str:
    """A CloudFormation value (with Fn::Join, Ref ...) as one string, for text checks."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(flatten(v) for v in value)
    if isinstance(value, dict):
        if "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            return (
                sep.join(flatten(p) for p in parts) if isinstance(parts, list) else flatten(parts)
            )
        if "Ref" in value:
            return "${" + value["Ref"] + "}"
        if "Fn::GetAtt" in value:
            return "${" + ".".join(value["Fn::GetAtt"]) + "}"
        if "Fn::Base64" in value:
            return flatten(value["Fn::Base64"])
        if "Fn::Sub" in value:
            return flatten(value["Fn::Sub"])
        return "{" + ", ".join(f'"{k}": "{flatten(v)}"' for k, v in sorted(value.items())) + "}"
    return str(value)


def user_data(primary_raw) -> str:
    """The app servers' boot script, as one string."""
    _, template = only(primary_raw, "AWS::EC2::LaunchTemplate")
    return flatten(template["Properties"]["LaunchTemplateData"]["UserData"])


@pytest.fixture
def rds_root(tmp_path):
    """A self-signed certificate named like a region's RDS root (made here, trusted by none)."""

    def make(region: str) -> str:
        key, cert = tmp_path / f"{region}.key", tmp_path / f"{region}.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", f"/CN=Amazon RDS {region} Root CA RSA2048 G1", "-keyout", str(key),
             "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        return cert.read_text()

    return make


@pytest.fixture
def rds_bundle(tmp_path, rds_root):
    """A CA bundle with roots for both regions, standing in for AWS's in real-deploy synthesis."""
    bundle = tmp_path / "rds-ca-bundle.pem"
    bundle.write_text(rds_root("eu-west-1") + rds_root("eu-central-1"))
    return bundle
