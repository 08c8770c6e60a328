"""The buckets: private, versioned, encrypted, TLS only, with server access logs."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .common import checkov_skip

ABORT_INCOMPLETE_UPLOADS_DAYS = 7
NONCURRENT_VERSION_DAYS = 30


def logs_bucket(scope: Construct) -> s3.Bucket:
    """Retained with the logs it holds; its name is generated, so a retained bucket of a failed
    first deploy never collides with the retry's (the guide says how to remove it)."""
    bucket = s3.Bucket(
        scope,
        "LogsBucket",
        # Load balancer access logs only go to SSE-S3 buckets; CloudFront's standard logs need ACLs.
        encryption=s3.BucketEncryption.S3_MANAGED,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="expire-logs",
                expiration=Duration.days(90),
                noncurrent_version_expiration=Duration.days(7),
                abort_incomplete_multipart_upload_after=Duration.days(1),
            ),
        ],
        removal_policy=RemovalPolicy.RETAIN,
    )
    checkov_skip(
        bucket, ("CKV_AWS_18", "This is the log bucket: logging it into itself would loop.")
    )
    return bucket


# The uploads buckets have fixed names (the primary replicates into the DR bucket by name) and
# DESTROY: S3 refuses to delete a bucket that holds any object or version, so a bucket with
# files survives a stack deletion (which then stops on it), while the empty bucket of a failed
# first deploy is deleted by the rollback and its name is free for the retry.
FILES_REMOVAL_POLICY = RemovalPolicy.DESTROY


def files_lifecycle_rules() -> list[s3.LifecycleRule]:
    return [
        s3.LifecycleRule(
            id="abort-incomplete-multipart-uploads",
            abort_incomplete_multipart_upload_after=Duration.days(ABORT_INCOMPLETE_UPLOADS_DAYS),
        ),
        # A deleted or replaced file stays recoverable this long, then is gone for good.
        s3.LifecycleRule(
            id="expire-noncurrent-versions",
            noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
            expired_object_delete_marker=True,
        ),
    ]


def direct_upload_cors(app_domain: str) -> list[s3.CorsRule]:
    """The Upload page POSTs files straight to the bucket (a presigned POST): browsers allow that
    cross-origin request only from the app's own https origin."""
    return [
        s3.CorsRule(
            id="direct-uploads-from-the-app",
            allowed_methods=[s3.HttpMethods.POST],
            allowed_origins=[f"https://{app_domain}"],
            allowed_headers=["*"],
            max_age=3000,
        ),
    ]
