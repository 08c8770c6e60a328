"""VPCs over pinned availability zones (flow logs to an encrypted log group) and KMS keys."""

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct


def log_group(
    scope: Construct, construct_id: str, *, key: kms.IKey, name: str | None = None
) -> logs.LogGroup:
    return logs.LogGroup(
        scope,
        construct_id,
        log_group_name=name,
        encryption_key=key,
        retention=logs.RetentionDays.ONE_YEAR,
        removal_policy=RemovalPolicy.RETAIN,
    )


def vpc(
    scope: Construct, *, azs: list[str], cidr: str, key: kms.IKey, with_app_tier: bool
) -> ec2.Vpc:
    """with_app_tier: public, private (through NAT) and isolated subnets; else isolated only."""
    isolated = ec2.SubnetConfiguration(
        name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
    )
    subnets = [isolated]
    if with_app_tier:
        subnets = [
            ec2.SubnetConfiguration(
                name="public",
                subnet_type=ec2.SubnetType.PUBLIC,
                cidr_mask=24,
                map_public_ip_on_launch=False,
            ),
            ec2.SubnetConfiguration(
                name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=22
            ),
            isolated,
        ]
    network = ec2.Vpc(
        scope,
        "Vpc",
        ip_addresses=ec2.IpAddresses.cidr(cidr),
        availability_zones=azs,
        nat_gateways=len(azs) if with_app_tier else 0,
        subnet_configuration=subnets,
        flow_logs={
            "all": ec2.FlowLogOptions(
                destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                    log_group(scope, "FlowLogs", key=key)
                ),
                traffic_type=ec2.FlowLogTrafficType.ALL,
            )
        },
    )
    # Traffic to S3 stays inside AWS's network (and costs no NAT processing).
    network.add_gateway_endpoint("S3Endpoint", service=ec2.GatewayVpcEndpointAwsService.S3)
    return network


def data_key(scope: Construct, construct_id: str, *, alias: str, description: str) -> kms.Key:
    return kms.Key(
        scope,
        construct_id,
        alias=alias,
        description=description,
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN,
    )


def allow_logs(key: kms.Key, region: str) -> None:
    """CloudWatch Logs encrypts log groups with the key only if its policy says so."""
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{region}.amazonaws.com")],
            actions=[
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            resources=["*"],
        )
    )
