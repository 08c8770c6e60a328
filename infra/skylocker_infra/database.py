"""RDS MySQL 8 in the primary region: Multi-AZ, encrypted, backed up, TLS only, credentials in
Secrets Manager (replicated to the DR region)."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from .common import DATABASE_ID, DATABASE_NAME, DATABASE_SECRET_NAME

ENGINE = rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.VER_8_4_10)
BACKUP_RETENTION_DAYS = 14
REPLICA_LAG_ALARM_SECONDS = 300
LOG_EXPORTS = ("error", "slowquery")
# The CA the database's server certificate is issued by; the app servers check it against
# AWS's RDS CA bundle, fetched by `make -C infra rds-ca` (SKYLOCKER_DB_CA_FILE).
CA = rds.CaCertificate.RDS_CA_RSA2048_G1
# Storage autoscaling up to this many times the allocated size, on the primary and the replica.
STORAGE_GROWTH = 5


def database_log_groups(
    scope: Construct, identifier: str, key: kms.IKey
) -> dict[str, logs.LogGroup]:
    """RDS writes its exported logs into these (made here for retention and encryption).

    RDS picks their names, so they are fixed: DESTROY lets a failed first deploy roll back and
    be retried (a retained group of that name would fail the retry with "already exists").
    The database itself keeps a final snapshot.
    """
    return {
        kind: logs.LogGroup(
            scope,
            f"DatabaseLog{kind.title()}",
            log_group_name=f"/aws/rds/instance/{identifier}/{kind}",
            encryption_key=key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=RemovalPolicy.DESTROY,
        )
        for kind in LOG_EXPORTS
    }


def database_parameters(scope: Construct, construct_id: str) -> rds.ParameterGroup:
    """MySQL refuses connections that do not use TLS, and lets the app's migrations create
    triggers (the file tally, locker migration 0009): with binary logging on, as it is for
    backups and the replica, MySQL allows that only to SUPER, which RDS gives nobody, unless
    log_bin_trust_function_creators is set."""
    return rds.ParameterGroup(
        scope,
        construct_id,
        engine=ENGINE,
        description="Skylocker: connections over TLS only; the migrations may create triggers",
        parameters={"require_secure_transport": "1", "log_bin_trust_function_creators": "1"},
    )


def primary_database(
    scope: Construct,
    *,
    network: ec2.IVpc,
    key: kms.IKey,
    instance_type: str,
    storage_gib: int,
    dr_region: str,
    deletion_protection: bool,
) -> rds.DatabaseInstance:
    log_groups = database_log_groups(scope, DATABASE_ID, key)
    database = rds.DatabaseInstance(
        scope,
        "Database",
        engine=ENGINE,
        instance_identifier=DATABASE_ID,
        instance_type=ec2.InstanceType(instance_type),
        vpc=network,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        multi_az=True,
        storage_encrypted=True,
        storage_encryption_key=key,
        storage_type=rds.StorageType.GP3,
        allocated_storage=storage_gib,
        max_allocated_storage=storage_gib * STORAGE_GROWTH,
        parameter_group=database_parameters(scope, "DatabaseParameters"),
        ca_certificate=CA,
        database_name=DATABASE_NAME,
        credentials=rds.Credentials.from_generated_secret(
            "skylocker",
            secret_name=DATABASE_SECRET_NAME,
            encryption_key=key,
            exclude_characters=" %+~`#$&*()|[]{}:;<>?!'/@\"\\",
            # The promoted replica has the same users: its password must outlive the primary region.
            replica_regions=[secretsmanager.ReplicaRegion(region=dr_region)],
        ),
        backup_retention=Duration.days(BACKUP_RETENTION_DAYS),
        preferred_backup_window="02:00-03:00",
        preferred_maintenance_window="sun:03:30-sun:04:30",
        copy_tags_to_snapshot=True,
        deletion_protection=deletion_protection,
        # A final snapshot on deletion, and on the rollback of a failed first deploy too.
        removal_policy=RemovalPolicy.SNAPSHOT,
        auto_minor_version_upgrade=True,
        iam_authentication=True,
        monitoring_interval=Duration.seconds(60),
        cloudwatch_logs_exports=list(LOG_EXPORTS),
        publicly_accessible=False,
    )
    for group in log_groups.values():
        database.node.add_dependency(group)
    return database
