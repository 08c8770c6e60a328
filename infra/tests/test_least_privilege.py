"""The app servers' role: its own configuration, its own objects, never the versions or the
bucket's protections."""

import re

from conftest import INFRA_DIR, flatten, only, resources

from skylocker_infra.primary_stack import APP_PREFIXES


def instance_statements(primary_raw) -> list[dict]:
    return [
        statement
        for lid, policy in resources(primary_raw, "AWS::IAM::Policy").items()
        if lid.startswith("InstanceRole")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict) -> list[str]:
    found = statement["Action"]
    return [found] if isinstance(found, str) else found


def allowed(primary_raw) -> set[str]:
    return {
        action
        for statement in instance_statements(primary_raw)
        if statement["Effect"] == "Allow"
        for action in actions(statement)
    }


def test_the_role_carries_no_aws_managed_policy(primary_raw):
    role = next(
        r
        for k, r in resources(primary_raw, "AWS::IAM::Role").items()
        if k.startswith("InstanceRole")
    )
    assert "ManagedPolicyArns" not in role["Properties"]


def test_the_role_can_neither_purge_versions_nor_touch_retention_or_legal_holds(primary_raw):
    never = {
        "s3:DeleteObjectVersion",
        "s3:PutObjectRetention",
        "s3:PutObjectLegalHold",
        "s3:BypassGovernanceRetention",
    }
    granted = allowed(primary_raw)
    assert not never & granted
    files_id = next(k for k in resources(primary_raw, "AWS::S3::Bucket") if k.startswith("Files"))
    on_files = [
        s
        for s in instance_statements(primary_raw)
        if s["Effect"] == "Allow" and files_id in flatten(s["Resource"])
    ]
    # No wildcard action on the uploads bucket (CDK's asset grants name the assets bucket).
    assert on_files
    assert not [a for s in on_files for a in actions(s) if "*" in a]
    (deny,) = [s for s in instance_statements(primary_raw) if s["Effect"] == "Deny"]
    assert never <= set(actions(deny))
    assert {"Fn::GetAtt": [files_id, "Arn"]} in deny["Resource"]


def test_object_permissions_cover_the_apps_prefixes_only(primary_raw):
    object_statements = [
        s
        for s in instance_statements(primary_raw)
        if s["Effect"] == "Allow" and "s3:PutObject" in actions(s)
    ]
    (statement,) = object_statements
    files_id = next(k for k in resources(primary_raw, "AWS::S3::Bucket") if k.startswith("Files"))
    assert sorted(flatten(r) for r in statement["Resource"]) == sorted(
        "${" + files_id + ".Arn}" + f"/{prefix}*" for prefix in APP_PREFIXES
    )
    assert set(actions(statement)) == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
    }


def test_the_prefixes_are_the_ones_the_app_writes():
    # locker/storage.py names every object the app writes.
    names = (INFRA_DIR.parent / "locker/storage.py").read_text()
    assert 'return f"u/{owner_id}/' in names
    assert 'return f"incoming/{owner_id}/' in names
    assert set(re.findall(r'return f"([a-z]+/)\{', names)) == set(APP_PREFIXES)


def test_parameters_are_read_under_the_apps_path_only(primary_raw):
    granted = allowed(primary_raw)
    assert "ssm:GetParametersByPath" in granted
    assert not {"ssm:GetParameter", "ssm:GetParameters", "ssm:*"} & granted
    (statement,) = [
        s for s in instance_statements(primary_raw) if "ssm:GetParametersByPath" in actions(s)
    ]
    assert flatten(statement["Resource"]).endswith(":parameter/skylocker/env")


def test_metrics_go_to_the_apps_namespace_only(primary_raw):
    (statement,) = [
        s for s in instance_statements(primary_raw) if "cloudwatch:PutMetricData" in actions(s)
    ]
    assert statement["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Skylocker"}}


def test_only_browser_uploads_are_accelerated(primary_raw):
    env = {
        p["Properties"]["Name"].removeprefix("/skylocker/env/"): p["Properties"]["Value"]
        for p in resources(primary_raw, "AWS::SSM::Parameter").values()
    }
    # The app reads SKYLOCKER_S3_ACCELERATE for presigned POSTs only (skylocker/settings.py).
    assert env["SKYLOCKER_S3_ACCELERATE"] == "1"
    assert "SKYLOCKER_S3_ENDPOINT_URL" not in env
    _, endpoint = only(primary_raw, "AWS::EC2::VPCEndpoint")
    assert endpoint["Properties"]["VpcEndpointType"] == "Gateway"
