"""A first deploy that fails rolls back cleanly and can be retried: nothing refuses deletion,
nothing survives under a name the retry needs; bad settings stop it before it starts."""

import pytest
from conftest import only, resources, synth_with

from skylocker_infra.app import build_app
from skylocker_infra.settings import Settings

# Properties that give a resource a fixed physical name.
NAME_PROPERTIES = (
    "BucketName",
    "LogGroupName",
    "DBInstanceIdentifier",
    "Name",
    "TopicName",
    "QueueName",
    "FunctionName",
    "RoleName",
    "AliasName",
)


def test_no_resource_kept_by_a_rollback_has_a_fixed_name(raw):
    for name, template in raw.items():
        for lid, resource in template["Resources"].items():
            if resource.get("DeletionPolicy", "Delete") == "Delete":
                continue
            fixed = [p for p in NAME_PROPERTIES if p in resource.get("Properties", {})]
            if resource["Type"] == "AWS::RDS::DBInstance":
                # Snapshot: RDS deletes the instance (keeping a final snapshot), so its
                # identifier is free again.
                assert resource["DeletionPolicy"] == "Snapshot", (name, lid)
                continue
            assert fixed == [], (name, lid, resource["DeletionPolicy"], fixed)


def test_the_database_log_groups_rds_names_go_with_a_rollback(raw):
    for name in ("Skylocker-Primary", "Skylocker-DrDatabase"):
        groups = [
            r
            for r in resources(raw[name], "AWS::Logs::LogGroup").values()
            if str(r["Properties"].get("LogGroupName", "")).startswith("/aws/rds/instance/")
        ]
        assert len(groups) == 2, name
        assert all(g["DeletionPolicy"] == "Delete" for g in groups), name


def test_nothing_refuses_deletion_until_the_operator_switches_protection_on(raw, primary_raw):
    _, database = only(primary_raw, "AWS::RDS::DBInstance")
    _, replica = only(raw["Skylocker-DrDatabase"], "AWS::RDS::DBInstance")
    _, balancer = only(primary_raw, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    attributes = {a["Key"]: a["Value"] for a in balancer["Properties"]["LoadBalancerAttributes"]}
    assert database["Properties"]["DeletionProtection"] is False
    assert replica["Properties"]["DeletionProtection"] is False
    assert attributes["deletion_protection.enabled"] == "false"


def test_the_deletion_protection_flag_protects_database_replica_and_load_balancer(tmp_path):
    protected = synth_with(tmp_path, {"skylocker:deletionProtection": True})
    _, database = only(protected["Skylocker-Primary"], "AWS::RDS::DBInstance")
    _, replica = only(protected["Skylocker-DrDatabase"], "AWS::RDS::DBInstance")
    _, balancer = only(protected["Skylocker-Primary"], "AWS::ElasticLoadBalancingV2::LoadBalancer")
    attributes = {a["Key"]: a["Value"] for a in balancer["Properties"]["LoadBalancerAttributes"]}
    assert database["Properties"]["DeletionProtection"] is True
    assert replica["Properties"]["DeletionProtection"] is True
    assert attributes["deletion_protection.enabled"] == "true"


def test_a_missing_cloudfront_key_secret_stops_the_deploy_before_the_database(primary_raw):
    check_id, check = only(primary_raw, "AWS::SecretsManager::ResourcePolicy")
    # The policy can only be set on a secret that exists: the deploy fails here at once.
    assert check["Properties"]["SecretId"] == "skylocker/cloudfront-private-key"
    assert check["Properties"]["BlockPublicPolicy"] is True
    (statement,) = check["Properties"]["ResourcePolicy"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    _, database = only(primary_raw, "AWS::RDS::DBInstance")
    assert check_id in database["DependsOn"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("skylocker:hostedZoneName", "example.com"),
        ("skylocker:hostedZoneName", "files.example.org"),
        ("skylocker:hostedZoneName", "skylocker.test"),
        ("skylocker:hostedZoneId", "Z0123456789SKYLOCKER"),
    ],
)
def test_placeholder_zones_and_domains_are_refused(tmp_path, key, value, rds_bundle):
    context = {
        "skylocker:dbCaBundle": str(rds_bundle),
        "skylocker:hostedZoneName": "files.acme-corp.eu",
        "skylocker:appDomain": "app.files.acme-corp.eu",
        "skylocker:downloadsDomain": "dl.files.acme-corp.eu",
        "skylocker:hostedZoneId": "Z08151234ACMEFILES",
        "skylocker:appAmis": {"eu-west-1": "ami-0a1b2c3d4e5f60718"},
    }
    assert Settings.from_node(build_app(outdir=str(tmp_path / "ok"), context=context).node)
    context[key] = value
    if key == "skylocker:hostedZoneName":
        context["skylocker:appDomain"] = f"app.{value}"
        context["skylocker:downloadsDomain"] = f"dl.{value}"
    with pytest.raises(ValueError, match="placeholder"):
        build_app(outdir=str(tmp_path / "refused"), context=context)


def test_the_placeholder_image_is_refused(tmp_path):
    context = {
        "skylocker:hostedZoneName": "files.acme-corp.eu",
        "skylocker:appDomain": "app.files.acme-corp.eu",
        "skylocker:downloadsDomain": "dl.files.acme-corp.eu",
        "skylocker:hostedZoneId": "Z08151234ACMEFILES",
    }
    with pytest.raises(ValueError, match="placeholder image"):
        build_app(outdir=str(tmp_path), context=context)
    context["skylocker:appAmis"] = {"eu-central-1": "ami-0a1b2c3d4e5f60718"}
    with pytest.raises(ValueError, match="names no image for eu-west-1"):
        build_app(outdir=str(tmp_path), context=context)
