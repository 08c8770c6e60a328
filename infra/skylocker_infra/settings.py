"""Deployment settings, read from CDK context (cdk.json, overridable with `cdk -c key=value`).

Nothing here is looked up in an AWS account: regions, availability zones and the hosted zone are
all given, so synthesis works offline and always gives the same templates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from constructs import Node

INFRA_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = INFRA_DIR.parent
CERTIFICATE_REGION = "us-east-1"  # CloudFront only takes certificates from us-east-1.


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
    wheel: Path
    requirements_lock: Path
    lambda_dir: Path

    @classmethod
    def from_node(cls, node: Node) -> Settings:
        def get(key: str):
            value = node.try_get_context(f"skylocker:{key}")
            if value is None:
                raise ValueError(f"context value skylocker:{key} is missing (see infra/cdk.json)")
            return value

        def as_list(value) -> list[str]:
            return json.loads(value) if isinstance(value, str) else list(value)

        settings = cls(
            primary_region=get("primaryRegion"),
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
            wheel=find_wheel(INFRA_DIR / get("wheelDir")),
            requirements_lock=REPO_ROOT / "requirements-app.lock",
            lambda_dir=(INFRA_DIR / get("lambdaDir")).resolve(),
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
        if self.downloads_key_generation < 1:
            raise ValueError("skylocker:downloadsKeyGeneration counts from 1")
        if not (self.lambda_dir / "delete_alert.py").is_file():
            raise ValueError(
                f"{self.lambda_dir}/delete_alert.py is missing: the delete Lambda ships from there"
            )
        if not self.requirements_lock.is_file():
            raise ValueError(
                f"{self.requirements_lock} is missing: instances install the app's pins from it"
            )


def find_wheel(wheel_dir: Path) -> Path:
    wheels = sorted(wheel_dir.glob("skylocker-*.whl"))
    if len(wheels) != 1:
        raise ValueError(
            f"expected exactly one skylocker wheel in {wheel_dir}, found {len(wheels)}: "
            "build it with `make -C infra wheel`"
        )
    return wheels[0]
