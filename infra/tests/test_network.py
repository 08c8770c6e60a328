"""Network: VPCs over pinned availability zones with public, private and isolated subnets."""

from conftest import flatten, resources


def subnet_kinds(template: dict) -> dict[str, set[str]]:
    """Subnet type (the aws-cdk:subnet-type tag) → availability zones."""
    kinds: dict[str, set[str]] = {}
    for subnet in resources(template, "AWS::EC2::Subnet").values():
        tags = {t["Key"]: t["Value"] for t in subnet["Properties"]["Tags"]}
        kinds.setdefault(tags["aws-cdk:subnet-type"], set()).add(
            subnet["Properties"]["AvailabilityZone"]
        )
    return kinds


def test_primary_vpc_has_public_private_and_isolated_subnets_in_each_pinned_zone(
    primary_raw, settings
):
    assert len(settings.primary_azs) >= 2
    assert subnet_kinds(primary_raw) == {
        "Public": set(settings.primary_azs),
        "Private": set(settings.primary_azs),
        "Isolated": set(settings.primary_azs),
    }


def test_primary_vpc_has_a_nat_gateway_per_zone_flow_logs_and_an_s3_endpoint(
    primary, primary_raw, settings
):
    primary.resource_count_is("AWS::EC2::NatGateway", len(settings.primary_azs))
    primary.has_resource_properties(
        "AWS::EC2::FlowLog", {"TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"}
    )
    (endpoint,) = resources(primary_raw, "AWS::EC2::VPCEndpoint").values()
    assert endpoint["Properties"]["VpcEndpointType"] == "Gateway"
    assert flatten(endpoint["Properties"]["ServiceName"]).endswith(".s3")


def test_dr_vpc_is_isolated_over_the_pinned_dr_zones(raw, settings):
    assert subnet_kinds(raw["Skylocker-DrDatabase"]) == {"Isolated": set(settings.dr_azs)}
    assert not resources(raw["Skylocker-DrDatabase"], "AWS::EC2::NatGateway")
    assert not resources(raw["Skylocker-DrDatabase"], "AWS::EC2::InternetGateway")
