"""The primary region: network, app servers, database, files, downloads, DNS, alerts."""

import json
from pathlib import Path

from aws_cdk import Aws, CfnParameter, Duration, RemovalPolicy, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as events_targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from .alerts import FIVE_MINUTES, ONE_MINUTE, AlertsTopic, admin_email_parameter
from .buckets import FILES_REMOVAL_POLICY, direct_upload_cors, files_lifecycle_rules, logs_bucket
from .common import (
    CLOUDFRONT_PRIVATE_KEY_SECRET_NAME,
    DATABASE_NAME,
    PARAMETER_PATH,
    SECRET_KEY_SECRET_NAME,
    checkov_skip,
    files_bucket_name,
)
from .database import primary_database
from .nag import acknowledge_database, acknowledge_primary
from .network import allow_logs, data_key, log_group, vpc
from .settings import Settings

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"
APP_PORT = 8000
# Every interface: the app servers sit in private subnets and only the load balancer reaches them.
LISTEN_HOST = "0.0.0.0"  # noqa: S104  # nosec B104
DATA_DIR = "/var/lib/skylocker"
DB_CA_FILE = "/opt/skylocker/dist/rds-ca-bundle.pem"
# A boot: dnf (Python, the CloudWatch agent: about 1 minute), the wheelhouse from S3 and an
# offline pip install (measured: 26 s for the venv, the 46 pinned wheels and the app wheel on a
# shared 2-core machine; say 1-2 minutes on a t3.small), configuration, migrations (the first
# instance of a release migrates, the others wait for its lock: a few minutes at most) and then
# /readyz, asked READY_ATTEMPTS times at most 10 s apart (10 minutes). The worst boot is
# therefore about 3 + 3 + 10 = 16 minutes: the health-check grace covers it, and the deploy's
# wait for the signals covers it with room to spare.
READY_ATTEMPTS = 60
WORST_BOOT_MINUTES = 16
HEALTH_CHECK_GRACE = Duration.minutes(WORST_BOOT_MINUTES + 1)
BOOT_TIMEOUT = Duration.minutes(25)
# The app's own metrics (locker/management/commands/publish_metrics.py).
METRICS_NAMESPACE = "Skylocker"
# Every prefix the app writes objects under (locker/models.py: u/<owner>/..., locker/direct.py:
# incoming/<owner>/...): the instance role may touch objects there and nowhere else.
APP_PREFIXES = ("u/", "incoming/")
LOG_RETENTION = logs.RetentionDays.THREE_MONTHS
# Paths the WAF's rate-based rules count separately (5-minute windows, per client address).
LOGIN_PATH = "/accounts/login/"
WAF_LOGIN_LIMIT = 100  # requests per address in 5 minutes (a person signs in a few times)
WAF_API_LIMIT = 2000
DATABASE_MEMORY_ALARM_BYTES = 128 * 1024**2
DATABASE_CONNECTIONS_ALARM = 100
PENDING_REMOVALS_ALARM = 10
API_PATH = "/api/"


class PrimaryStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        downloads_certificate: acm.ICertificate,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        region = settings.primary_region
        self.settings = settings

        self.key = key = data_key(
            self,
            "DataKey",
            alias="alias/skylocker-data",
            description="Skylocker: database, secrets, logs and alerts",
        )
        allow_logs(key, region)
        self.vpc = vpc(
            self, azs=settings.primary_azs, cidr="10.40.0.0/16", key=key, with_app_tier=True
        )
        self.logs_bucket = logs_bucket(self)

        admin_email = admin_email_parameter(self)
        public_key_pem = CfnParameter(
            self,
            "DownloadsPublicKey",
            type="String",
            description="PEM of the RSA public key that CloudFront checks download signatures with "
            f"(its private key is in Secrets Manager as {CLOUDFRONT_PRIVATE_KEY_SECRET_NAME}).",
            allowed_pattern=r"^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$",
            constraint_description="a PEM public key",
        )

        self.alerts = AlertsTopic(
            self,
            "Alerts",
            key=key,
            admin_email=admin_email.value_as_string,
            topic_name="skylocker-alerts",
        )
        self.topic = self.alerts.topic

        self.database = primary_database(
            self,
            network=self.vpc,
            key=key,
            instance_type=settings.database_instance_type,
            storage_gib=settings.database_storage_gib,
            dr_region=settings.dr_region,
            deletion_protection=settings.deletion_protection,
        )
        self.cloudfront_key_check = self._check_cloudfront_key_secret()
        self.database.node.add_dependency(self.cloudfront_key_check)

        self.role = self._instance_role()
        self.delete_alert = self._delete_alert_function(key)
        self.files_bucket = self._files_bucket()
        self.distribution, self.public_key = self._downloads(downloads_certificate, public_key_pem)

        zone = route53.HostedZone.from_hosted_zone_attributes(
            self,
            "Zone",
            hosted_zone_id=settings.hosted_zone_id,
            zone_name=settings.hosted_zone_name,
        )
        self.secret_key = secretsmanager.Secret(
            self,
            "DjangoSecretKey",
            secret_name=SECRET_KEY_SECRET_NAME,
            description="Skylocker's Django SECRET_KEY (signs sessions and tokens).",
            encryption_key=key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            replica_regions=[secretsmanager.ReplicaRegion(region=settings.dr_region)],
        )
        # No automatic rotation of either secret: the app reads them at boot, so rotating is a
        # runbook step followed by an instance refresh (docs/deploy-aws.md, Updates).
        self.cloudfront_private_key = secretsmanager.Secret.from_secret_name_v2(
            self, "CloudFrontPrivateKey", CLOUDFRONT_PRIVATE_KEY_SECRET_NAME
        )

        self.app_environment = self._environment(admin_email.value_as_string)
        self.load_balancer, self.target_group, self.servers = self._app_tier(zone)

        route53.ARecord(
            self,
            "AppRecord",
            zone=zone,
            record_name=settings.app_domain,
            target=route53.RecordTarget.from_alias(targets.LoadBalancerTarget(self.load_balancer)),
        )
        for record in (route53.ARecord, route53.AaaaRecord):
            record(
                self,
                f"Downloads{record.__name__}",
                zone=zone,
                record_name=settings.downloads_domain,
                target=route53.RecordTarget.from_alias(targets.CloudFrontTarget(self.distribution)),
            )

        self._alarms()
        self._dashboard()
        if settings.waf:
            self._waf()
        acknowledge_primary(self)
        checkov_skip(
            self.role.node.find_child("DefaultPolicy"),
            (
                "CKV_AWS_111",
                "Session Manager's message channels (ssmmessages, ec2messages) have no "
                "resource-level permissions, and cloudwatch:PutMetricData is limited to the "
                "Skylocker namespace by condition; every other write names its resource.",
            ),
        )
        acknowledge_database(
            self.database, replica=False, deletion_protection=settings.deletion_protection
        )

    # -- files ---------------------------------------------------------------------------------

    def _files_bucket(self) -> s3.Bucket:
        settings = self.settings
        name = files_bucket_name(settings.primary_region)
        replica = s3.Bucket.from_bucket_attributes(
            self,
            "FilesReplica",
            bucket_name=files_bucket_name(settings.dr_region),
            region=settings.dr_region,
        )
        bucket = s3.Bucket(
            self,
            "Files",
            bucket_name=name,
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            transfer_acceleration=True,
            cors=direct_upload_cors(settings.app_domain),
            lifecycle_rules=files_lifecycle_rules(),
            replication_rules=[
                s3.ReplicationRule(
                    id="to-disaster-recovery-region",
                    destination=replica,
                    priority=1,
                    delete_marker_replication=True,
                ),
            ],
            server_access_logs_bucket=self.logs_bucket,
            server_access_logs_prefix="s3/files/",
            removal_policy=FILES_REMOVAL_POLICY,
        )
        # Replication metrics (OperationsFailedReplication ...) for the replication alarm.
        bucket.node.default_child.add_property_override(
            "ReplicationConfiguration.Rules.0.Destination.Metrics", {"Status": "Enabled"}
        )
        # Deletions → the Lambda. Set on the bucket itself (no notifications custom resource): the
        # permission names the bucket by its fixed name, so the bucket can depend on it.
        permission = lambda_.CfnPermission(
            self,
            "FilesInvokeDeleteAlert",
            action="lambda:InvokeFunction",
            function_name=self.delete_alert.function_arn,
            principal="s3.amazonaws.com",
            source_account=Aws.ACCOUNT_ID,
            source_arn=f"arn:{Aws.PARTITION}:s3:::{name}",
        )
        cfn_bucket: s3.CfnBucket = bucket.node.default_child
        # Lifecycle expirations are events of their own (not ObjectRemoved): old versions expired
        # after NONCURRENT_VERSION_DAYS are deletions the admins hear of too, in a daily digest.
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            lambda_configurations=[
                s3.CfnBucket.LambdaConfigurationProperty(
                    event=event, function=self.delete_alert.function_arn
                )
                for event in ("s3:ObjectRemoved:*", "s3:LifecycleExpiration:*")
            ]
        )
        cfn_bucket.add_resource_dependency(permission)
        return bucket

    def _check_cloudfront_key_secret(self) -> secretsmanager.CfnResourcePolicy:
        """The deploy stops within a minute, before the database is created, when the operator
        has not stored the CloudFront private key: this policy can only be put on a secret that
        exists. It also refuses reads of the key over plain HTTP and public policies."""
        return secretsmanager.CfnResourcePolicy(
            self,
            "CloudFrontPrivateKeyCheck",
            secret_id=CLOUDFRONT_PRIVATE_KEY_SECRET_NAME,
            block_public_policy=True,
            resource_policy={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "TlsOnly",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "secretsmanager:*",
                        "Resource": "*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        )

    def _delete_alert_function(self, key) -> lambda_.Function:
        dead_letters = sqs.Queue(
            self,
            "DeleteAlertDeadLetters",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            retention_period=Duration.days(14),
            enforce_ssl=True,
        )
        self.dead_letters = dead_letters
        # Lifecycle expirations wait here until the daily digest (14 days at most).
        digest = sqs.Queue(
            self,
            "LifecycleDigest",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            retention_period=Duration.days(14),
            visibility_timeout=Duration.minutes(6),
            enforce_ssl=True,
        )
        self.lifecycle_digest = digest
        function = lambda_.Function(
            self,
            "DeleteAlert",
            description="Tells the Skylocker admins, through the alerts topic, about objects "
            "removed from the uploads bucket by anyone but the app, and once a day about the "
            "versions its lifecycle rules expired.",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="delete_alert.handler",
            code=lambda_.Code.from_asset(
                str(self.settings.lambda_dir), exclude=["__pycache__", "*.pyc", "tests", "test_*"]
            ),
            environment={
                "TOPIC_ARN": self.topic.topic_arn,
                # The app's own deletions are announced by the app (one alert per deletion):
                # S3 names the app servers' role by its unique id in the event's principal.
                "APP_ROLE_ID": self.role.role_id,
                "DIGEST_QUEUE_URL": digest.queue_url,
            },
            environment_encryption=key,
            timeout=Duration.minutes(5),
            memory_size=256,
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            dead_letter_queue=dead_letters,
            retry_attempts=2,
            log_group=log_group(self, "DeleteAlertLogs", key=key),
        )
        checkov_skip(
            function,
            (
                "CKV_AWS_115",
                "No reserved concurrency: new accounts have a concurrency quota of 10, and "
                "reserving any of it fails the deploy; deletions are rare and the DLQ keeps "
                "throttled events.",
            ),
        )
        self.topic.grant_publish(function)
        digest.grant_send_messages(function)
        digest.grant_consume_messages(function)
        events.Rule(
            self,
            "LifecycleDigestSchedule",
            description="Skylocker: the daily digest of versions expired by lifecycle rules",
            schedule=events.Schedule.cron(minute="0", hour="7"),
            targets=[events_targets.LambdaFunction(function, retry_attempts=2)],
        )
        return function

    # -- downloads -----------------------------------------------------------------------------

    def _downloads(self, certificate: acm.ICertificate, public_key_pem: CfnParameter):
        settings = self.settings
        # CloudFront refuses to change a public key's PEM: a new key (a new DownloadsPublicKey)
        # comes with a new generation, which makes a new key resource in place of the old one.
        generation = settings.downloads_key_generation
        public_key = cloudfront.PublicKey(
            self,
            "DownloadsSigningKey" if generation == 1 else f"DownloadsSigningKey{generation}",
            encoded_key=public_key_pem.value_as_string,
            comment="Checks the signatures of Skylocker download URLs",
        )
        key_group = cloudfront.KeyGroup(
            self,
            "DownloadsKeyGroup",
            items=[public_key],
            comment="Skylocker app servers sign download URLs",
        )
        cache_policy = cloudfront.CachePolicy(
            self,
            "DownloadsCachePolicy",
            comment="Skylocker downloads: the app's attachment headers are part of the cache key",
            default_ttl=Duration.hours(1),
            min_ttl=Duration.seconds(0),
            max_ttl=Duration.days(1),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.allow_list(
                "response-content-disposition", "response-content-type"
            ),
            header_behavior=cloudfront.CacheHeaderBehavior.none(),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "DownloadsHeaders",
            comment="Skylocker downloads are never rendered as pages",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy="sandbox; default-src 'none'", override=True
                ),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365),
                    include_subdomains=True,
                    override=True,
                ),
            ),
        )
        distribution = cloudfront.Distribution(
            self,
            "Downloads",
            comment="Skylocker downloads (signed URLs only)",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.files_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                trusted_key_groups=[key_group],
                cache_policy=cache_policy,
                response_headers_policy=headers,
            ),
            domain_names=[settings.downloads_domain],
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=self.logs_bucket,
            log_file_prefix="cloudfront/",
        )
        checkov_skip(
            distribution,
            (
                "CKV_AWS_68",
                "Every request needs a valid signature made by the app, checked by CloudFront "
                "before the origin is reached; a WAF would add cost and a us-east-1 stack, "
                "not protection.",
            ),
        )
        return distribution, public_key

    # -- app tier ------------------------------------------------------------------------------

    def _environment(self, admin_email: str) -> dict[str, str]:
        """Parameter Store values under /skylocker/env/; configure.py adds the secret ones."""
        settings = self.settings
        environment = {
            "SKYLOCKER_DATA_DIR": DATA_DIR,
            "HOST": LISTEN_HOST,
            "PORT": str(APP_PORT),
            "WEB_CONCURRENCY": "3",
            "ALLOWED_HOSTS": settings.app_domain,
            "SKYLOCKER_HTTPS": "1",
            # The ALB appends each client's address to X-Forwarded-For: lockouts key on it.
            "SKYLOCKER_PROXIES": "1",
            "DEFAULT_FROM_EMAIL": f"skylocker@{settings.app_domain}",
            "SKYLOCKER_ADMIN_EMAILS": admin_email,
            "SKYLOCKER_MAX_UPLOAD_BYTES": str(settings.max_upload_bytes),
            "AWS_REGION": settings.primary_region,
            "SKYLOCKER_S3_BUCKET": self.files_bucket.bucket_name,
            # Transfer Acceleration for the browsers' direct uploads (presigned POSTs) only:
            # the app servers' own S3 calls use the regional endpoint, through the VPC's S3
            # gateway endpoint (no NAT, no acceleration charge).
            "SKYLOCKER_S3_ACCELERATE": "1",
            # The database's certificate is checked against this bundle (the app connects over
            # TLS, which the parameter group requires).
            "SKYLOCKER_DB_CA_FILE": DB_CA_FILE,
            "SKYLOCKER_CLOUDFRONT_DOMAIN": settings.downloads_domain,
            "SKYLOCKER_CLOUDFRONT_KEY_ID": self.public_key.public_key_id,
            "SKYLOCKER_DOWNLOAD_URL_TTL": str(settings.download_url_ttl_seconds),
            "SKYLOCKER_SNS_TOPIC_ARN": self.topic.topic_arn,
            # Alerts by SNS, whose email subscription reaches the admin; an operator who sets up
            # EMAIL_URL (a SecureString under /skylocker/env/) can change this to "email,sns".
            "SKYLOCKER_ALERT_CHANNELS": "sns",
        }
        self.parameters = {
            name: ssm.StringParameter(
                self,
                f"Env{name.title().replace('_', '')}",
                parameter_name=f"{PARAMETER_PATH}{name}",
                string_value=value,
                description=f"Skylocker environment variable {name}",
            )
            for name, value in environment.items()
        }
        return environment

    def _instance_logs(self) -> dict[str, logs.LogGroup]:
        """Log groups the CloudWatch agent ships each instance's files into (generated names:
        a failed first deploy leaves nothing that a retry would collide with)."""
        return {
            name: logs.LogGroup(
                self,
                f"{name.title()}Logs",
                encryption_key=self.key,
                retention=LOG_RETENTION,
                removal_policy=RemovalPolicy.DESTROY,
            )
            for name in ("web", "worker", "bootstrap")
        }

    def _agent_config(self, groups: dict[str, logs.LogGroup]) -> str:
        collect = [
            {
                "file_path": f"/var/log/skylocker/{name}.log",
                "log_group_name": "@LOG_GROUP_" + name.upper() + "@",
                "log_stream_name": "{instance_id}",
                "retention_in_days": -1,
            }
            for name in groups
        ]
        return json.dumps(
            {
                "agent": {"run_as_user": "root"},
                "logs": {"logs_collected": {"files": {"collect_list": collect}}},
            },
            indent=1,
        )

    def _add_boot_script(
        self,
        user_data: ec2.UserData,
        role: iam.IRole,
        servers: autoscaling.AutoScalingGroup,
    ) -> None:
        """The instances' user data: bootstrap.sh with the stack's values filled in.

        Added once the group exists, since the script signals the group by its logical id.
        """
        settings = self.settings
        wheelhouse = s3_assets.Asset(self, "AppWheelhouse", path=str(settings.wheelhouse))
        ca_bundle = s3_assets.Asset(
            self, "DatabaseCaBundle", path=str(settings.db_ca_bundle)
        )
        for asset in (wheelhouse, ca_bundle):
            asset.grant_read(role)
        groups = self._instance_logs()
        for group in groups.values():
            group.grant_write(role)
        self.instance_log_groups = groups

        def read(name: str) -> str:
            return (INSTANCE_DIR / name).read_text().rstrip("\n")

        configure_args = " ".join(
            [
                settings.primary_region,
                self.database.secret.secret_arn,
                self.secret_key.secret_arn,
                CLOUDFRONT_PRIVATE_KEY_SECRET_NAME,
                DATABASE_NAME,
            ]
        )
        agent_config = self._agent_config(groups)
        for name, group in groups.items():
            agent_config = agent_config.replace(
                "@LOG_GROUP_" + name.upper() + "@", group.log_group_name
            )
        script = read("bootstrap.sh")
        for placeholder, value in {
            "@AGENT_CONFIG@": agent_config,
            "@CONFIGURE_PY@": read("configure.py"),
            "@CONFIG_UNIT@": read("skylocker-config.service").replace(
                "@CONFIGURE_ARGS@", configure_args
            ),
            "@MIGRATE_UNIT@": read("skylocker-migrate.service"),
            "@WEB_UNIT@": read("skylocker-web.service"),
            "@WORKER_UNIT@": read("skylocker-worker.service"),
            "@METRICS_UNIT@": read("skylocker-metrics.service"),
            "@METRICS_TIMER@": read("skylocker-metrics.timer"),
            "@WHEELHOUSE_URL@": wheelhouse.s3_object_url,
            "@DB_CA_URL@": ca_bundle.s3_object_url,
            "@REGION@": settings.primary_region,
            "@PORT@": str(APP_PORT),
            "@READY_ATTEMPTS@": str(READY_ATTEMPTS),
            "@STACK@": Stack.of(self).stack_name,
            "@SIGNAL_RESOURCE@": servers.node.default_child.logical_id,
        }.items():
            script = script.replace(placeholder, value)
        user_data.add_commands(script)
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="SignalTheDeploy",
                actions=["cloudformation:SignalResource"],
                resources=[Stack.of(self).stack_id],
            )
        )

    def _instance_role(self) -> iam.Role:
        """What the app servers may do, and no more.

        - Session Manager without AmazonSSMManagedInstanceCore, which may read every parameter
          of the account: its messaging actions only; parameters under /skylocker/env/ only.
        - Objects under the app's prefixes only; never a version deleted for good, a retention
          or legal hold set or bypassed, nor the bucket's own settings (an explicit deny, so
          no policy added later grants them by accident).
        """
        role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="Skylocker app servers",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="SessionManager",
                actions=[
                    "ssm:UpdateInstanceInformation",
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                    "ec2messages:AcknowledgeMessage",
                    "ec2messages:DeleteMessage",
                    "ec2messages:FailMessage",
                    "ec2messages:GetEndpoint",
                    "ec2messages:GetMessages",
                    "ec2messages:SendReply",
                ],
                resources=["*"],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="AppParameters",
                actions=["ssm:GetParametersByPath"],
                resources=[
                    self.format_arn(
                        service="ssm", resource="parameter", resource_name=PARAMETER_PATH.strip("/")
                    )
                ],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="AppMetrics",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
            )
        )
        return role

    def _grant_files(self, role: iam.Role) -> None:
        bucket = self.files_bucket
        role.add_to_policy(
            iam.PolicyStatement(
                sid="AppObjects",
                actions=[
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                resources=[bucket.arn_for_objects(f"{prefix}*") for prefix in APP_PREFIXES],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="AppListing",
                # reconcile lists the bucket to find objects without rows.
                actions=["s3:ListBucket", "s3:GetBucketLocation"],
                resources=[bucket.bucket_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="NeverPurgeVersionsOrChangeTheBucket",
                effect=iam.Effect.DENY,
                actions=[
                    "s3:DeleteObjectVersion",
                    "s3:DeleteObjectVersionTagging",
                    "s3:PutObjectRetention",
                    "s3:PutObjectLegalHold",
                    "s3:BypassGovernanceRetention",
                    "s3:PutBucketPolicy",
                    "s3:DeleteBucketPolicy",
                    "s3:PutLifecycleConfiguration",
                    "s3:PutBucketVersioning",
                    "s3:PutReplicationConfiguration",
                    "s3:PutBucketObjectLockConfiguration",
                    "s3:DeleteBucket",
                ],
                resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
            )
        )

    def _app_tier(self, zone: route53.IHostedZone):
        settings = self.settings
        role = self.role
        self._grant_files(role)
        self.topic.grant_publish(role)
        self.database.secret.grant_read(role)
        self.secret_key.grant_read(role)
        self.cloudfront_private_key.grant_read(role)

        security_group = ec2.SecurityGroup(
            self,
            "AppSecurityGroup",
            vpc=self.vpc,
            allow_all_outbound=True,
            description="Skylocker app servers: HTTP from the load balancer; "
            "out to AWS APIs, Amazon Linux packages and the database",
        )
        user_data = ec2.UserData.for_linux()  # filled in below, once the group exists
        launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            # Pinned by context (skylocker:appAmis): a new image only when the operator says so.
            machine_image=ec2.MachineImage.generic_linux(
                {settings.primary_region: settings.app_ami}
            ),
            instance_type=ec2.InstanceType(settings.app_instance_type),
            role=role,
            security_group=security_group,
            user_data=user_data,
            require_imdsv2=True,
            http_put_response_hop_limit=1,
            detailed_monitoring=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        20, volume_type=ec2.EbsDeviceVolumeType.GP3, encrypted=True
                    ),
                )
            ],
        )
        servers = autoscaling.AutoScalingGroup(
            self,
            "AppServers",
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            launch_template=launch_template,
            min_capacity=2,
            max_capacity=6,
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB],
                grace_period=HEALTH_CHECK_GRACE,
            ),
            # Replacements and instance refreshes launch the new instance before terminating
            # the old one: never fewer healthy servers than wanted.
            min_healthy_percentage=100,
            max_healthy_percentage=200,
            # A deploy waits for each new instance to report that it serves (bootstrap.sh sends
            # cfn-signal once /readyz answers 200, or a failure as soon as a step fails): a
            # failed boot fails the deploy, and a rolling update rolls back, instead of going
            # green with instances that never serve.
            signals=autoscaling.Signals.wait_for_min_capacity(timeout=BOOT_TIMEOUT),
            # Launches, terminations and their failures reach the admins too.
            notifications=[autoscaling.NotificationConfiguration(topic=self.topic)],
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                min_instances_in_service=2,
                max_batch_size=1,
                wait_on_resource_signals=True,
                pause_time=BOOT_TIMEOUT,
            ),
        )
        self._add_boot_script(user_data, role, servers)
        # Auto Scaling publishes its notifications as its service-linked role, which must be
        # able to use the topic's key. Named by condition, not as principal: the role exists
        # only once the account has used Auto Scaling, and a key policy naming a missing
        # principal would fail the deploy.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AutoScalingNotifications",
                principals=[iam.AnyPrincipal()],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={
                    "ArnEquals": {
                        "aws:PrincipalArn": f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/"
                        "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
                    },
                    "StringEquals": {"kms:CallerAccount": Aws.ACCOUNT_ID},
                },
            )
        )
        checkov_skip(
            self.key,
            (
                "CKV_AWS_33",
                "The one wildcard principal is narrowed by condition to this account's Auto "
                "Scaling service-linked role (aws:PrincipalArn), which may not exist yet when the "
                "key is created.",
            ),
        )
        servers.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=60)
        self.database.connections.allow_default_port_from(servers, "Skylocker app servers")

        certificate = acm.Certificate(
            self,
            "AppCertificate",
            domain_name=settings.app_domain,
            validation=acm.CertificateValidation.from_dns(zone),
        )
        load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=self.vpc,
            internet_facing=True,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            drop_invalid_header_fields=True,
            deletion_protection=settings.deletion_protection,
        )
        load_balancer.log_access_logs(self.logs_bucket, "alb")
        https = load_balancer.add_listener(
            "Https",
            port=443,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[certificate],
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
            open=True,
        )
        load_balancer.add_redirect(source_port=80, target_port=443)
        checkov_skip(
            load_balancer.connections.security_groups[0],
            (
                "CKV_AWS_260",
                "Port 80 is open only to answer every request with a redirect to HTTPS.",
            ),
        )
        target_group = https.add_targets(
            "App",
            port=APP_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[servers],
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(
                path="/healthz",
                healthy_http_codes="200",
                interval=Duration.seconds(15),
                timeout=Duration.seconds(5),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
        )
        return load_balancer, target_group, servers

    # -- alarms --------------------------------------------------------------------------------

    def _alarms(self) -> None:
        alerts, tg, alb, db = self.alerts, self.target_group, self.load_balancer, self.database
        gt = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        lt = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
        breaching = cloudwatch.TreatMissingData.BREACHING
        alerts.alarm(
            self,
            "UnhealthyTargetsAlarm",
            metric=tg.metrics.unhealthy_host_count(period=ONE_MINUTE, statistic="Maximum"),
            threshold=1,
            comparison=gt,
            evaluation_periods=5,
            description="An app server fails its /healthz check at the load balancer.",
        )
        # UnHealthyHostCount stays 0 when there is no target at all: this one does not.
        alerts.alarm(
            self,
            "NoHealthyHostAlarm",
            metric=tg.metrics.healthy_host_count(period=ONE_MINUTE, statistic="Minimum"),
            threshold=1,
            comparison=lt,
            evaluation_periods=3,
            missing=breaching,
            description="No app server is healthy behind the load balancer: Skylocker is down.",
        )
        alerts.alarm(
            self,
            "Target5xxAlarm",
            metric=tg.metrics.http_code_target(
                elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=FIVE_MINUTES, statistic="Sum"
            ),
            threshold=10,
            comparison=gt,
            evaluation_periods=1,
            description="The app answered 5xx ten times or more in five minutes.",
        )
        alerts.alarm(
            self,
            "LoadBalancer5xxAlarm",
            metric=alb.metrics.http_code_elb(
                elbv2.HttpCodeElb.ELB_5XX_COUNT, period=FIVE_MINUTES, statistic="Sum"
            ),
            threshold=10,
            comparison=gt,
            evaluation_periods=1,
            description="The load balancer itself answered 5xx ten times or more in five minutes "
            "(no healthy app server, or timeouts).",
        )
        alerts.alarm(
            self,
            "DatabaseCpuAlarm",
            metric=db.metric_cpu_utilization(period=FIVE_MINUTES),
            threshold=80,
            comparison=gt,
            evaluation_periods=3,
            description="Database CPU at 80 % or more for 15 minutes.",
        )
        alerts.alarm(
            self,
            "DatabaseFreeStorageAlarm",
            metric=db.metric_free_storage_space(period=FIVE_MINUTES, statistic="Minimum"),
            threshold=2 * 1024**3,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            description="Less than 2 GiB of database storage left (storage autoscaling is stuck "
            "or at its maximum).",
        )
        alerts.alarm(
            self,
            "DatabaseFreeableMemoryAlarm",
            metric=db.metric_freeable_memory(period=FIVE_MINUTES, statistic="Minimum"),
            threshold=DATABASE_MEMORY_ALARM_BYTES,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=3,
            description="Less than 128 MiB of database memory free for 15 minutes (swapping "
            "ahead: a larger instance class is due).",
        )
        alerts.alarm(
            self,
            "DatabaseConnectionsAlarm",
            metric=db.metric_database_connections(period=FIVE_MINUTES, statistic="Maximum"),
            threshold=DATABASE_CONNECTIONS_ALARM,
            comparison=gt,
            evaluation_periods=2,
            description=f"{DATABASE_CONNECTIONS_ALARM} or more database connections: near the "
            "instance class's max_connections (every web and worker process holds one).",
        )
        fn = self.delete_alert
        alerts.alarm(
            self,
            "DeleteAlertErrorsAlarm",
            metric=fn.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
            threshold=1,
            comparison=gt,
            evaluation_periods=1,
            description="The deletion alert Lambda failed: a deletion may go unreported "
            "(after two retries the event lands in its dead-letter queue).",
        )
        alerts.alarm(
            self,
            "DeleteAlertDeadLettersAlarm",
            metric=self.dead_letters.metric_approximate_number_of_messages_visible(
                period=FIVE_MINUTES, statistic="Maximum"
            ),
            threshold=1,
            comparison=gt,
            evaluation_periods=1,
            description="S3 deletion events the Lambda could not handle wait in its dead-letter "
            "queue: read them (docs/deploy-aws.md, Alarms) and redrive.",
        )
        alerts.alarm(
            self,
            "UndeliveredAlertsAlarm",
            metric=self.app_metric("UndeliveredAlerts", statistic="Maximum"),
            threshold=1,
            comparison=gt,
            evaluation_periods=6,
            missing=breaching,
            description="Deletion alerts have waited 30 minutes or more in the app's outbox "
            "(or the app servers stopped publishing their metrics).",
        )
        alerts.alarm(
            self,
            "PendingRemovalsAlarm",
            metric=self.app_metric("PendingObjectRemovals", statistic="Minimum"),
            threshold=PENDING_REMOVALS_ALARM,
            comparison=gt,
            evaluation_periods=6,
            description=f"{PENDING_REMOVALS_ALARM} or more objects have waited 30 minutes to be "
            "removed from the bucket: the worker is stuck or S3 refuses its deletes.",
        )
        alerts.alarm(
            self,
            "ReplicationFailuresAlarm",
            metric=cloudwatch.Metric(
                namespace="AWS/S3",
                metric_name="OperationsFailedReplication",
                dimensions_map={
                    "SourceBucket": self.files_bucket.bucket_name,
                    "DestinationBucket": files_bucket_name(self.settings.dr_region),
                    "RuleId": "to-disaster-recovery-region",
                },
                period=FIVE_MINUTES,
                statistic="Sum",
            ),
            threshold=1,
            comparison=gt,
            evaluation_periods=1,
            description="Objects failed to replicate to the disaster-recovery bucket.",
        )

    def app_metric(self, name: str, *, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=METRICS_NAMESPACE, metric_name=name, period=FIVE_MINUTES, statistic=statistic
        )

    # -- dashboard and WAF ---------------------------------------------------------------------

    def _dashboard(self) -> None:
        tg, alb, db, fn = self.target_group, self.load_balancer, self.database, self.delete_alert

        def graph(title: str, *metrics: cloudwatch.IMetric) -> cloudwatch.GraphWidget:
            return cloudwatch.GraphWidget(title=title, left=list(metrics), width=8)

        dashboard = cloudwatch.Dashboard(self, "Dashboard")
        dashboard.add_widgets(
            graph(
                "App servers",
                tg.metrics.healthy_host_count(period=ONE_MINUTE),
                tg.metrics.unhealthy_host_count(period=ONE_MINUTE),
            ),
            graph(
                "Requests and errors",
                alb.metrics.request_count(period=FIVE_MINUTES),
                tg.metrics.http_code_target(elbv2.HttpCodeTarget.TARGET_5XX_COUNT),
                alb.metrics.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT),
            ),
            graph("Response time", tg.metrics.target_response_time(period=FIVE_MINUTES)),
        )
        dashboard.add_widgets(
            graph("Database CPU", db.metric_cpu_utilization()),
            graph(
                "Database memory and storage",
                db.metric_freeable_memory(),
                db.metric_free_storage_space(),
            ),
            graph("Database connections", db.metric_database_connections()),
        )
        dashboard.add_widgets(
            graph(
                "Alerts and removals",
                self.app_metric("UndeliveredAlerts", statistic="Maximum"),
                self.app_metric("PendingObjectRemovals", statistic="Maximum"),
            ),
            graph("Deletion alert Lambda", fn.metric_invocations(), fn.metric_errors()),
            graph(
                "Dead letters",
                self.dead_letters.metric_approximate_number_of_messages_visible(),
            ),
        )

    def _waf(self) -> None:
        """Rate-based rules (per client address, 5 minutes) on the log-in page and the API."""

        def rate_rule(name: str, priority: int, path: str, limit: int):
            return wafv2.CfnWebACL.RuleProperty(
                name=name,
                priority=priority,
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=limit,
                        aggregate_key_type="IP",
                        scope_down_statement=wafv2.CfnWebACL.StatementProperty(
                            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                                positional_constraint="STARTS_WITH",
                                search_string=path,
                                text_transformations=[
                                    wafv2.CfnWebACL.TextTransformationProperty(
                                        priority=0, type="LOWERCASE"
                                    )
                                ],
                            )
                        ),
                    )
                ),
                visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                    cloud_watch_metrics_enabled=True,
                    metric_name=f"Skylocker{name}",
                    sampled_requests_enabled=True,
                ),
            )

        acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            description="Skylocker: rate limits on the log-in page and the API",
            rules=[
                rate_rule("LoginRate", 0, LOGIN_PATH, WAF_LOGIN_LIMIT),
                rate_rule("ApiRate", 1, API_PATH, WAF_API_LIMIT),
            ],
            visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True,
                metric_name="Skylocker",
                sampled_requests_enabled=True,
            ),
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.load_balancer.load_balancer_arn,
            web_acl_arn=acl.attr_arn,
        )
