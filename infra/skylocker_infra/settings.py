"""Deployment settings, read from CDK context (cdk.json, overridable with `cdk -c key=value`).

Nothing here is looked up in an AWS account: regions, availability zones and the hosted zone are
all given, so synthesis works offline and always gives the same templates.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from constructs import Node

INFRA_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = INFRA_DIR.parent
CERTIFICATE_REGION = "us-east-1"  # CloudFront only takes certificates from us-east-1.
# Names reserved for documentation and tests (RFC 2606, RFC 6761): a deploy with one of them
# would wait forever for a certificate nobody can validate. The committed cdk.json holds such
# placeholders; `make synth`/`make test` set skylocker:checkOnly to synthesize them anyway.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
PLACEHOLDER_ZONE_ID = re.compile(r"^Z0123456789")
AMI_ID = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
PLACEHOLDER_AMI = "ami-0123456789abcdef0"
# What offline checks ship where the RDS CA bundle would be: no certificate at all, so a server
# booted with it could never trust a database. Only synthesis with skylocker:checkOnly uses it.
CA_STANDIN = "# No RDS CA bundle: run `make -C infra rds-ca` before a deploy.\n"


def load_context_file() -> dict:
    """The committed context of cdk.json, for runs of `python app.py` without the cdk CLI."""
    return json.loads((INFRA_DIR / "cdk.json").read_text())["context"]


@dataclass(frozen=True)
class Settings:
    primary_region: str
    dr_region: str
    primary_azs: list[str]
    dr_azs: list[str]
    hosted_zone_id: str
    hosted_zone_name: str
    app_domain: str
    downloads_domain: str
    app_instance_type: str
    database_instance_type: str
    database_storage_gib: int
    max_upload_bytes: int
    download_url_ttl_seconds: int
    # Raised by one to rotate the CloudFront signing key (docs/deploy-aws.md, Updates): CloudFront
    # cannot change a public key in place, so each generation is a new key resource.
    downloads_key_generation: int
    # The app servers' image, pinned per region (cdk.json skylocker:appAmis): a new image is a
    # deliberate change of context, never a side effect of an unrelated deploy.
    app_ami: str
    # Off for the first deploy so that a failed create rolls back (RDS and the load balancer
    # refuse deletion while it is on); the guide sets it after the first success.
    deletion_protection: bool
    # An AWS WAF web ACL with rate-based rules on the load balancer (log-in and API).
    waf: bool
    # Synthesis for the offline checks (make synth/test): placeholder domains and image allowed.
    check_only: bool
    # build/wheelhouse (make wheelhouse): the app's wheel, a wheel of every pin of
    # requirements-app.lock for the instances' platform, and requirements.txt naming each with
    # its sha256; shipped as one asset and installed with pip --no-index --require-hashes.
    wheelhouse: Path
    wheel: Path
    lambda_dir: Path
    # The CA bundle the app checks the database's certificate with: AWS's own, fetched by
    # `make -C infra rds-ca` into build/ (never committed: a trust anchor must come from AWS).
    db_ca_bundle: Path

    @classmethod
    def from_node(cls, node: Node) -> Settings:
        def get(key: str):
            value = node.try_get_context(f"skylocker:{key}")
            if value is None:
                raise ValueError(f"context value skylocker:{key} is missing (see infra/cdk.json)")
            return value

        def as_list(value) -> list[str]:
            return json.loads(value) if isinstance(value, str) else list(value)

        def flag(key: str) -> bool:
            value = node.try_get_context(f"skylocker:{key}")
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)

        primary_region = get("primaryRegion")
        amis = get("appAmis")
        amis = json.loads(amis) if isinstance(amis, str) else dict(amis)
        if primary_region not in amis:
            raise ValueError(
                f"context value skylocker:appAmis names no image for {primary_region} "
                "(docs/deploy-aws.md, First deploy, says how to look the current one up)"
            )
        settings = cls(
            primary_region=primary_region,
            dr_region=get("drRegion"),
            primary_azs=as_list(get("primaryAzs")),
            dr_azs=as_list(get("drAzs")),
            hosted_zone_id=get("hostedZoneId"),
            hosted_zone_name=get("hostedZoneName").rstrip("."),
            app_domain=get("appDomain"),
            downloads_domain=get("downloadsDomain"),
            app_instance_type=get("appInstanceType"),
            database_instance_type=get("databaseInstanceType"),
            database_storage_gib=int(get("databaseStorageGiB")),
            max_upload_bytes=int(get("maxUploadBytes")),
            download_url_ttl_seconds=int(get("downloadUrlTtlSeconds")),
            downloads_key_generation=int(get("downloadsKeyGeneration")),
            app_ami=amis[primary_region],
            deletion_protection=flag("deletionProtection"),
            waf=flag("waf"),
            check_only=flag("checkOnly"),
            wheelhouse=INFRA_DIR / get("wheelDir"),
            wheel=find_wheel(INFRA_DIR / get("wheelDir")),
            lambda_dir=(INFRA_DIR / get("lambdaDir")).resolve(),
            db_ca_bundle=ca_bundle_or_standin(INFRA_DIR / get("dbCaBundle"), flag("checkOnly")),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.primary_region == self.dr_region:
            raise ValueError("the disaster-recovery region must differ from the primary region")
        for region, azs in ((self.primary_region, self.primary_azs), (self.dr_region, self.dr_azs)):
            if len(azs) < 2 or any(not az.startswith(region) for az in azs):
                raise ValueError(f"give at least two availability zones of {region}, not {azs}")
        for domain in (self.app_domain, self.downloads_domain):
            if not domain.endswith("." + self.hosted_zone_name):
                raise ValueError(f"{domain} is not inside the hosted zone {self.hosted_zone_name}")
        if not AMI_ID.match(self.app_ami):
            raise ValueError(f"{self.app_ami!r} is not an AMI id (ami-0123456789abcdef0)")
        if not self.check_only:
            self.refuse_placeholders()
            check_ca_bundle(self.db_ca_bundle, (self.primary_region, self.dr_region))
        if self.downloads_key_generation < 1:
            raise ValueError("skylocker:downloadsKeyGeneration counts from 1")
        if not (self.lambda_dir / "delete_alert.py").is_file():
            raise ValueError(
                f"{self.lambda_dir}/delete_alert.py is missing: the delete Lambda ships from there"
            )
        requirements = self.wheelhouse / "requirements.txt"
        if not requirements.is_file() or "--hash=sha256:" not in requirements.read_text():
            raise ValueError(
                f"{requirements} is missing or has no hashes: build it with "
                "`make -C infra wheelhouse`"
            )

    def refuse_placeholders(self) -> None:
        """A real deploy needs the operator's own zone, domains and image."""
        for name in (self.hosted_zone_name, self.app_domain, self.downloads_domain):
            bare = name.lower().rstrip(".")
            if bare.endswith(RESERVED_SUFFIXES) or any(
                bare == reserved or bare.endswith("." + reserved) for reserved in RESERVED_DOMAINS
            ):
                raise ValueError(
                    f"{name} is a placeholder domain: set skylocker:hostedZoneName, "
                    "skylocker:appDomain and skylocker:downloadsDomain to your own "
                    "(docs/deploy-aws.md, Before the first deploy)"
                )
        if PLACEHOLDER_ZONE_ID.match(self.hosted_zone_id):
            raise ValueError(
                f"{self.hosted_zone_id} is the placeholder hosted zone id: set "
                "skylocker:hostedZoneId to your zone's id"
            )
        if self.app_ami == PLACEHOLDER_AMI:
            raise ValueError(
                f"{self.app_ami} is the placeholder image: set skylocker:appAmis to the "
                f"Amazon Linux 2023 image of {self.primary_region} you tested"
            )


def ca_bundle_or_standin(bundle: Path, check_only: bool) -> Path:
    """The fetched bundle; for offline checks without one, a stand-in holding no certificate."""
    if bundle.is_file() or not check_only:
        return bundle
    standin = INFRA_DIR / "build" / "rds-ca-standin.pem"
    standin.parent.mkdir(parents=True, exist_ok=True)
    standin.write_text(CA_STANDIN)
    return standin


def check_ca_bundle(bundle: Path, regions: tuple[str, ...]) -> None:
    """Refuse a deploy whose servers could not verify the database of either region."""
    if not bundle.is_file():
        raise ValueError(
            f"{bundle} is missing: fetch AWS's RDS CA bundle with `make -C infra rds-ca`"
        )
    pems = re.findall(
        r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", bundle.read_text(), re.S
    )
    subjects = [
        subprocess.run(  # noqa: S603 - openssl with fixed arguments, the certificate on stdin
            ["openssl", "x509", "-noout", "-subject"],  # noqa: S607
            input=pem, capture_output=True, text=True, check=True,
        ).stdout
        for pem in pems
    ]
    for region in regions:
        if not any(f"Amazon RDS {region} Root CA RSA2048 G1" in s for s in subjects):
            raise ValueError(
                f"{bundle} holds no root of the RDS CA rds-ca-rsa2048-g1 for {region}: fetch "
                "AWS's bundle again with `make -C infra rds-ca`"
            )


def find_wheel(wheel_dir: Path) -> Path:
    wheels = sorted(wheel_dir.glob("skylocker-*.whl"))
    if len(wheels) != 1:
        raise ValueError(
            f"expected exactly one skylocker wheel in {wheel_dir}, found {len(wheels)}: "
            "build it with `make -C infra wheelhouse`"
        )
    return wheels[0]
