"""Acknowledged cdk-nag AwsSolutions findings, each with the reason it does not apply here.

Synthesis fails on any other finding (skylocker_infra/app.py adds the rule pack).
"""

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

MANAGED_ROLE = "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/{}]"


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=rule, reason=reason))


def acknowledge_database(database: IConstruct, *, replica: bool, deletion_protection: bool):
    acknowledge(
        database,
        "AwsSolutions-RDS11",
        "MySQL's default port: the database sits in isolated subnets and its security group "
        "admits the app servers only; a different port hides nothing from them.",
    )
    acknowledge(
        database.node.find_child("MonitoringRole"),
        MANAGED_ROLE.format("AmazonRDSEnhancedMonitoringRole"),
        "The role RDS Enhanced Monitoring assumes: the AWS policy is the documented one, "
        "scoped to RDSOSMetrics log groups.",
    )
    if not deletion_protection:
        acknowledge(
            database,
            "AwsSolutions-RDS10",
            "Off until the first deploy succeeded, so that a failed create can roll back; the "
            "deploy guide sets skylocker:deletionProtection=true right after it.",
        )
    if replica:
        acknowledge(
            database,
            "AwsSolutions-RDS3",
            "The DR standby replica is kept in one zone to halve its cost; the failover runbook "
            "makes it Multi-AZ when it is promoted (docs/deploy-aws.md).",
        )
        acknowledge(
            database.node.find_child("SecurityGroup"),
            "AwsSolutions-EC23",
            "Not 0.0.0.0/0: MySQL from the DR VPC's own range only (cdk-nag cannot resolve "
            "the VPC's CidrBlock token), for app servers launched there after a failover.",
        )


def acknowledge_primary(stack) -> None:
    acknowledge(
        stack.load_balancer.connections.security_groups[0],
        "AwsSolutions-EC23",
        "The public HTTPS load balancer: 443 from anywhere, and 80 only to redirect to 443.",
    )
    for secret in (stack.database.node.find_child("Secret"), stack.secret_key):
        acknowledge(
            secret,
            "AwsSolutions-SMG4",
            "No automatic rotation: the app reads it at boot, so rotation is a runbook step "
            "followed by an instance refresh (docs/deploy-aws.md, Updates).",
        )
    acknowledge(
        stack.distribution,
        "AwsSolutions-CFR1",
        "Downloads are signed URLs the app hands to its signed-in users, wherever they are: "
        "no country is to be refused.",
    )
    acknowledge(
        stack.distribution,
        "AwsSolutions-CFR2",
        "Every request needs a valid signature made by the app, checked by CloudFront before "
        "the origin is reached; a WAF would add cost and a us-east-1 stack, not protection.",
    )
    acknowledge(
        stack.lifecycle_digest,
        "AwsSolutions-SQS3",
        "A holding queue the daily digest drains and deletes from; a message that failed is "
        "simply read again the next day (14 days' retention).",
    )
    role = stack.role.node.find_child("DefaultPolicy")
    for rule, reason in {
        "AwsSolutions-IAM5[Resource::*]": "Session Manager's message channels and "
        "cloudwatch:PutMetricData take no resource; the latter is limited to the Skylocker "
        "namespace by condition.",
        "AwsSolutions-IAM5[Resource::<Files8E6940B8.Arn>/u/*]": "Objects under u/, the prefix "
        "the app stores files under (u/<owner id>/<random>).",
        "AwsSolutions-IAM5[Resource::<Files8E6940B8.Arn>/incoming/*]": "Objects under "
        "incoming/, where browsers' direct uploads land before the app checks them.",
        "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]": "CDK's grant to publish to the "
        "encrypted alerts topic, limited to the data key.",
        "AwsSolutions-IAM5[Action::s3:GetBucket*]": "CDK's read grant on the deployment "
        "assets (the wheelhouse and the CA bundle), limited to the assets bucket.",
        "AwsSolutions-IAM5[Action::s3:GetObject*]": "CDK's read grant on the deployment "
        "assets (the wheelhouse and the CA bundle), limited to the assets bucket.",
        "AwsSolutions-IAM5[Action::s3:List*]": "CDK's read grant on the deployment assets "
        "(the wheelhouse and the CA bundle), limited to the assets bucket.",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-"
        "<AWS::AccountId>-eu-west-1/*]": "The CDK assets bucket, which holds this stack's "
        "wheelhouse and CA bundle under content hashes.",
    }.items():
        acknowledge(role, rule, reason)
    function = stack.delete_alert
    acknowledge(
        function.role.node.find_child("DefaultPolicy"),
        "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
        "CDK's grants to publish to the encrypted topic and use the encrypted queues, limited "
        "to the data key.",
    )
    acknowledge(
        function.role.node.find_child("DefaultPolicy"),
        "AwsSolutions-IAM5[Action::kms:ReEncrypt*]",
        "CDK's grant to use the encrypted digest queue, limited to the data key.",
    )
    for policy in ("AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole"):
        acknowledge(
            function.role,
            MANAGED_ROLE.format(policy),
            "The AWS policies Lambda documents for writing logs and attaching to the VPC; "
            "no data access comes with them.",
        )
    replication = stack.files_bucket.node.find_child("ReplicationRole").node.find_child(
        "DefaultPolicy"
    )
    for rule in (
        "AwsSolutions-IAM5[Resource::<Files8E6940B8.Arn>/*]",
        f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::skylocker-files-<AWS::AccountId>-{stack.settings.dr_region}/*]",
    ):
        acknowledge(
            replication,
            rule,
            "S3 replication reads every object version of the uploads bucket and writes "
            "every one into the DR bucket: the whole bucket is its job.",
        )
