"""Names shared between stacks (fixed names instead of cross-region references) and helpers."""

from aws_cdk import Aws, CfnResource
from constructs import IConstruct

PREFIX = "skylocker"
DATABASE_ID = f"{PREFIX}-db"
DATABASE_REPLICA_ID = f"{PREFIX}-db-replica"
DATABASE_NAME = "skylocker"
DATABASE_SECRET_NAME = f"{PREFIX}/database"
SECRET_KEY_SECRET_NAME = f"{PREFIX}/django-secret-key"
# Created by the operator before the first deploy (docs/deploy-aws.md): never in the repo.
CLOUDFRONT_PRIVATE_KEY_SECRET_NAME = f"{PREFIX}/cloudfront-private-key"
PARAMETER_PATH = f"/{PREFIX}/env/"


def files_bucket_name(region: str) -> str:
    """The uploads bucket in the primary region, and its replica in the DR region."""
    return f"{PREFIX}-files-{Aws.ACCOUNT_ID}-{region}"


def database_arn(region: str, identifier: str = DATABASE_ID) -> str:
    return f"arn:{Aws.PARTITION}:rds:{region}:{Aws.ACCOUNT_ID}:db:{identifier}"


def checkov_skip(construct: IConstruct, *skips: tuple[str, str]) -> None:
    """Records checkov skips, each with its reason, in the resource's own Metadata."""
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    assert isinstance(resource, CfnResource), construct.node.path
    existing = resource.get_metadata("checkov") or {"skip": []}
    existing["skip"].extend({"id": check, "comment": reason} for check, reason in skips)
    resource.add_metadata("checkov", existing)
