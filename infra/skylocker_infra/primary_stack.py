"""The primary region: network, app servers, database, files, downloads, DNS, alerts."""

from pathlib import Path

from aws_cdk import Aws, CfnParameter, Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from .alerts import FIVE_MINUTES, ONE_MINUTE, AlertsTopic, admin_email_parameter
from .buckets import direct_upload_cors, files_lifecycle_rules, logs_bucket
from .common import (
    CLOUDFRONT_PRIVATE_KEY_SECRET_NAME,
    DATABASE_NAME,
    PARAMETER_PATH,
    SECRET_KEY_SECRET_NAME,
    checkov_skip,
    files_bucket_name,
)
from .database import primary_database
from .network import allow_logs, data_key, log_group, vpc
from .settings import Settings

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"
APP_PORT = 8000
# Every interface: the app servers sit in private subnets and only the load balancer reaches them.
LISTEN_HOST = "0.0.0.0"  # noqa: S104  # nosec B104
DATA_DIR = "/var/lib/skylocker"
# An instance installs its dependencies at boot (5-8 minutes), then must answer /readyz.
BOOT_TIMEOUT = Duration.minutes(20)
READY_ATTEMPTS = 60  # /readyz is asked every 5 s after the services start: 5 minutes at most


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

        key = data_key(
            self,
            "DataKey",
            alias="alias/skylocker-data",
            description="Skylocker: database, secrets, logs and alerts",
        )
        allow_logs(key, region)
        self.vpc = vpc(
            self, azs=settings.primary_azs, cidr="10.40.0.0/16", key=key, with_app_tier=True
        )
        self.logs_bucket = logs_bucket(self, region)

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
        )

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
        # after NONCURRENT_VERSION_DAYS are deletions the admins hear of too.
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

    def _delete_alert_function(self, key) -> lambda_.Function:
        dead_letters = sqs.Queue(
            self,
            "DeleteAlertDeadLetters",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            retention_period=Duration.days(14),
            enforce_ssl=True,
        )
        function = lambda_.Function(
            self,
            "DeleteAlert",
            description="Tells the Skylocker admins, through the alerts topic, about every "
            "object removed from the uploads bucket.",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="delete_alert.handler",
            code=lambda_.Code.from_asset(
                str(self.settings.lambda_dir), exclude=["__pycache__", "*.pyc", "tests", "test_*"]
            ),
            environment={"TOPIC_ARN": self.topic.topic_arn},
            environment_encryption=key,
            timeout=Duration.seconds(30),
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
            "SKYLOCKER_S3_ACCELERATE": "1",
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
        wheel = s3_assets.Asset(self, "AppWheel", path=str(settings.wheel))
        lock = s3_assets.Asset(self, "AppRequirements", path=str(settings.requirements_lock))
        for asset in (wheel, lock):
            asset.grant_read(role)

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
        script = read("bootstrap.sh")
        for placeholder, value in {
            "@CONFIGURE_PY@": read("configure.py"),
            "@CONFIG_UNIT@": read("skylocker-config.service").replace(
                "@CONFIGURE_ARGS@", configure_args
            ),
            "@MIGRATE_UNIT@": read("skylocker-migrate.service"),
            "@WEB_UNIT@": read("skylocker-web.service"),
            "@WORKER_UNIT@": read("skylocker-worker.service"),
            "@WHEEL_URL@": wheel.s3_object_url,
            "@WHEEL_NAME@": settings.wheel.name,
            "@LOCK_URL@": lock.s3_object_url,
            "@REGION@": settings.primary_region,
            "@PORT@": str(APP_PORT),
            "@READY_ATTEMPTS@": str(READY_ATTEMPTS),
            "@STACK@": Stack.of(self).stack_name,
            "@SIGNAL_RESOURCE@": servers.node.default_child.logical_id,
        }.items():
            script = script.replace(placeholder, value)
        user_data.add_commands(script)

    def _app_tier(self, zone: route53.IHostedZone):
        settings = self.settings
        role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="Skylocker app servers",
            # Session Manager instead of SSH: no key pairs, no open port 22.
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
            ],
        )
        self.files_bucket.grant_read_write(role)
        self.files_bucket.grant_delete(role)
        self.topic.grant_publish(role)
        self.database.secret.grant_read(role)
        self.secret_key.grant_read(role)
        self.cloudfront_private_key.grant_read(role)
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["ssm:GetParametersByPath"],
                resources=[
                    self.format_arn(
                        service="ssm", resource="parameter", resource_name=PARAMETER_PATH.strip("/")
                    )
                ],
            )
        )

        security_group = ec2.SecurityGroup(
            self,
            "AppSecurityGroup",
            vpc=self.vpc,
            allow_all_outbound=True,
            description="Skylocker app servers: HTTP from the load balancer; "
            "out to PyPI, AWS APIs, the database",
        )
        user_data = ec2.UserData.for_linux()  # filled in below, once the group exists
        launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            machine_image=ec2.MachineImage.latest_amazon_linux2023(),
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
                grace_period=Duration.minutes(10),
            ),
            # A deploy waits for each new instance to report that it serves (bootstrap.sh sends
            # cfn-signal once /readyz answers 200, or a failure as soon as a step fails): a
            # failed boot fails the deploy, and a rolling update rolls back, instead of going
            # green with instances that never serve.
            signals=autoscaling.Signals.wait_for_min_capacity(timeout=BOOT_TIMEOUT),
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                min_instances_in_service=2,
                max_batch_size=1,
                wait_on_resource_signals=True,
                pause_time=BOOT_TIMEOUT,
            ),
        )
        self._add_boot_script(user_data, role, servers)
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
            deletion_protection=True,
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
        alerts.alarm(
            self,
            "UnhealthyTargetsAlarm",
            metric=tg.metrics.unhealthy_host_count(period=ONE_MINUTE, statistic="Maximum"),
            threshold=1,
            comparison=gt,
            evaluation_periods=5,
            description="An app server fails its /healthz check at the load balancer.",
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
