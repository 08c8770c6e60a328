"""Names shared between stacks (fixed names instead of cross-region references) and helpers."""

import jsii
from aws_cdk import Aws, CfnResource, Stack
from constructs import IConstruct, IValidation

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


def logs_bucket_name(region: str) -> str:
    return f"{PREFIX}-logs-{Aws.ACCOUNT_ID}-{region}"


def database_arn(region: str, identifier: str = DATABASE_ID) -> str:
    return f"arn:{Aws.PARTITION}:rds:{region}:{Aws.ACCOUNT_ID}:db:{identifier}"


def checkov_skip(construct: IConstruct, *skips: tuple[str, str]) -> None:
    """Records checkov skips, each with its reason, in the resource's own Metadata."""
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    assert isinstance(resource, CfnResource), construct.node.path
    existing = resource.get_metadata("checkov") or {"skip": []}
    existing["skip"].extend({"id": check, "comment": reason} for check, reason in skips)
    resource.add_metadata("checkov", existing)


@jsii.implements(IValidation)
class _SkipOnCrossRegionHelpers:
    """CDK adds the cross-region reference helpers (a Lambda writing SSM parameters in us-east-1, one
    reading them in the primary region) while it prepares the app, after any code of ours has run;
    validation runs after that and before the templates are written, so the skips go in there."""

    SKIPS = (
        ("CKV_AWS_115", "CDK's cross-region reference helper runs only during deployments."),
        ("CKV_AWS_116", "CDK's cross-region reference helper is invoked synchronously by "
                        "CloudFormation, which reports its failures; a DLQ would never be used."),
        ("CKV_AWS_117", "CDK's cross-region reference helper only calls the SSM API; a VPC would "
                        "add endpoints or NAT for nothing."),
    )

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def validate(self) -> list[str]:
        for child in self.stack.node.find_all():
            if (isinstance(child, CfnResource) and child.cfn_resource_type == "AWS::Lambda::Function"
                    and "CrossRegionExport" in child.node.path
                    and not child.get_metadata("checkov")):
                checkov_skip(child, *self.SKIPS)
        return []


def skip_checkov_on_cross_region_helpers(stack: Stack) -> None:
    stack.node.add_validation(_SkipOnCrossRegionHelpers(stack))
