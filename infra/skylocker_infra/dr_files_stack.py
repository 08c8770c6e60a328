"""Disaster-recovery region, deployed first: the versioned bucket the uploads replicate into."""

from aws_cdk import Stack
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .buckets import FILES_REMOVAL_POLICY, direct_upload_cors, files_lifecycle_rules, logs_bucket
from .common import files_bucket_name
from .settings import Settings


class DrFilesStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        logs = logs_bucket(self)
        self.replica_bucket = s3.Bucket(
            self,
            "FilesReplica",
            bucket_name=files_bucket_name(settings.dr_region),
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            # After a failover this bucket takes the uploads (docs/deploy-aws.md): the same rule.
            cors=direct_upload_cors(settings.app_domain),
            lifecycle_rules=files_lifecycle_rules(),
            server_access_logs_bucket=logs,
            server_access_logs_prefix="s3/files-replica/",
            removal_policy=FILES_REMOVAL_POLICY,
        )
