"""Disaster-recovery region, deployed after the primary: the cross-region read replica.

The replica names its source by ARN, built from the source's fixed identifier and region, so no
cross-region reference is needed. Its lag alarm publishes to a topic in this region (alarm actions
must be in the alarm's own region), which emails the same administrator and keeps working when
the primary region does not.
"""

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from constructs import Construct

from .alerts import AlertsTopic, admin_email_parameter
from .common import DATABASE_ID, DATABASE_REPLICA_ID, checkov_skip, database_arn
from .database import (
    CA,
    ENGINE,
    REPLICA_LAG_ALARM_SECONDS,
    STORAGE_GROWTH,
    database_log_groups,
    database_parameters,
)
from .nag import acknowledge_database
from .network import allow_logs, data_key, vpc
from .settings import Settings


class DrDatabaseStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        key = data_key(
            self,
            "DataKey",
            alias="alias/skylocker-dr-data",
            description="Skylocker DR: database replica, logs and alerts",
        )
        allow_logs(key, settings.dr_region)
        network = vpc(self, azs=settings.dr_azs, cidr="10.41.0.0/16", key=key, with_app_tier=False)
        alerts = AlertsTopic(
            self,
            "Alerts",
            key=key,
            admin_email=admin_email_parameter(self).value_as_string,
            topic_name="skylocker-dr-alerts",
        )
        self.topic = alerts.topic

        source = rds.DatabaseInstance.from_database_instance_attributes(
            self,
            "Source",
            instance_identifier=DATABASE_ID,
            instance_endpoint_address="unused.invalid",
            port=3306,
            security_groups=[],
            engine=ENGINE,
        )
        log_groups = database_log_groups(self, DATABASE_REPLICA_ID, key)
        self.replica = rds.DatabaseInstanceReadReplica(
            self,
            "Replica",
            source_database_instance=source,
            instance_identifier=DATABASE_REPLICA_ID,
            instance_type=ec2.InstanceType(settings.database_instance_type),
            vpc=network,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            storage_encrypted=True,
            storage_encryption_key=key,
            storage_type=rds.StorageType.GP3,
            # The replica grows its storage as the primary does (replication stops when full).
            max_allocated_storage=settings.database_storage_gib * STORAGE_GROWTH,
            parameter_group=database_parameters(self, "ReplicaParameters"),
            ca_certificate=CA,
            deletion_protection=settings.deletion_protection,
            auto_minor_version_upgrade=True,
            iam_authentication=True,
            monitoring_interval=Duration.seconds(60),
            cloudwatch_logs_exports=list(log_groups),
            publicly_accessible=False,
            # A replica is a copy of the primary: a failed first deploy deletes it, so that the
            # retry can create it again under its fixed identifier. Once the deploy succeeded,
            # skylocker:deletionProtection guards it (and, after a failover, the new primary).
            removal_policy=RemovalPolicy.DESTROY,
        )
        for group in log_groups.values():
            self.replica.node.add_dependency(group)
        acknowledge_database(
            self.replica, replica=True, deletion_protection=settings.deletion_protection
        )
        # No app servers run here until a failover; then the runbook launches them in this VPC
        # (in subnets it adds), so MySQL is open to the VPC's own range and nothing else.
        self.replica.connections.allow_from(
            ec2.Peer.ipv4(network.vpc_cidr_block),
            ec2.Port.tcp(3306),
            "Skylocker app servers launched in the DR VPC after a failover",
        )
        cfn = self.replica.node.default_child
        # The source lives in the primary region: name it by ARN, not by the imported identifier.
        cfn.add_property_override(
            "SourceDBInstanceIdentifier", database_arn(settings.primary_region)
        )
        cfn.add_property_override("SourceRegion", settings.primary_region)
        # A replica inherits encryption from its source; KmsKeyId names the key in this region.
        cfn.add_property_deletion_override("StorageEncrypted")
        checkov_skip(
            cfn,
            (
                "CKV_AWS_16",
                "Encrypted: a replica inherits its source's encryption and KmsKeyId names this "
                "region's key; CloudFormation refuses StorageEncrypted next to "
                "SourceDBInstanceIdentifier.",
            ),
            (
                "CKV_AWS_157",
                "A standby copy kept in one zone to halve its cost; the runbook makes it "
                "Multi-AZ when it is promoted (docs/deploy-aws.md).",
            ),
        )

        alerts.alarm(
            self,
            "ReplicaLagAlarm",
            metric=self.replica.metric(
                "ReplicaLag", period=Duration.minutes(5), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=REPLICA_LAG_ALARM_SECONDS,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            description=f"The DR read replica is more than {REPLICA_LAG_ALARM_SECONDS} s "
            "behind the primary.",
            missing=cloudwatch.TreatMissingData.BREACHING,
        )
        gte = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        alerts.alarm(
            self,
            "ReplicaCpuAlarm",
            metric=self.replica.metric_cpu_utilization(period=Duration.minutes(5)),
            threshold=80,
            comparison=gte,
            description="DR read replica CPU at 80 % or more for 15 minutes (it may fall behind).",
        )
        alerts.alarm(
            self,
            "ReplicaFreeStorageAlarm",
            metric=self.replica.metric_free_storage_space(
                period=Duration.minutes(5), statistic="Minimum"
            ),
            threshold=2 * 1024**3,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            description="Less than 2 GiB of storage left on the DR read replica (storage "
            "autoscaling stuck or at its maximum): replication stops when it is full.",
        )
