"""DNS: alias records in the given hosted zone (never looked up), certificates validated by DNS."""

from conftest import only, resources


def records(primary_raw):
    return {
        (r["Properties"]["Name"], r["Properties"]["Type"]): r["Properties"]
        for r in resources(primary_raw, "AWS::Route53::RecordSet").values()
    }


def test_app_domain_is_an_alias_of_the_load_balancer_in_the_given_zone(primary_raw, settings):
    record = records(primary_raw)[(settings.app_domain + ".", "A")]
    assert record["HostedZoneId"] == settings.hosted_zone_id
    lb_id, _ = only(primary_raw, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    target = record["AliasTarget"]["DNSName"]
    assert lb_id in str(target)


def test_downloads_domain_is_an_alias_of_the_distribution_over_ipv4_and_ipv6(primary_raw, settings):
    dist_id, _ = only(primary_raw, "AWS::CloudFront::Distribution")
    for kind in ("A", "AAAA"):
        record = records(primary_raw)[(settings.downloads_domain + ".", kind)]
        assert record["HostedZoneId"] == settings.hosted_zone_id
        assert record["AliasTarget"]["DNSName"] == {"Fn::GetAtt": [dist_id, "DomainName"]}
        mapping, _, key = record["AliasTarget"]["HostedZoneId"]["Fn::FindInMap"]
        assert primary_raw["Mappings"][mapping]["aws"][key] == "Z2FDTNDATAQYW2"  # CloudFront's zone


def test_both_certificates_are_validated_by_dns_in_the_given_zone(primary_raw, raw, settings):
    certificates = list(resources(primary_raw, "AWS::CertificateManager::Certificate").values())
    certificates += list(
        resources(raw["Skylocker-Certificate"], "AWS::CertificateManager::Certificate").values()
    )
    assert {c["Properties"]["DomainName"] for c in certificates} == {
        settings.app_domain,
        settings.downloads_domain,
    }
    for certificate in certificates:
        props = certificate["Properties"]
        assert props["ValidationMethod"] == "DNS"
        assert props["DomainValidationOptions"] == [
            {"DomainName": props["DomainName"], "HostedZoneId": settings.hosted_zone_id}
        ]


def test_the_hosted_zone_is_never_created_nor_looked_up(raw, manifest):
    for template in raw.values():
        assert not resources(template, "AWS::Route53::HostedZone")
    assert "missing" not in manifest
