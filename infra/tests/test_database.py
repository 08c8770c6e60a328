"""Database: RDS MySQL 8 Multi-AZ in the primary region, a read replica in the DR region."""

from aws_cdk.assertions import Match
from conftest import flatten, only, resources


def test_database_is_multi_az_encrypted_mysql_8_with_backups_and_a_final_snapshot(
    primary, primary_raw
):
    lid, database = only(primary_raw, "AWS::RDS::DBInstance")
    props = database["Properties"]
    assert props["Engine"] == "mysql"
    assert props["EngineVersion"].startswith("8.")
    assert props["MultiAZ"] is True
    assert props["StorageEncrypted"] is True
    assert "KmsKeyId" in props
    assert props["BackupRetentionPeriod"] >= 7
    # Off in the committed context: a failed first deploy must be able to delete it (with a
    # final snapshot); test_rollback.py checks the flag that switches it on.
    assert props["DeletionProtection"] is False
    assert props["PubliclyAccessible"] is False
    assert props["DBInstanceIdentifier"] == "skylocker-db"
    assert database["DeletionPolicy"] == "Snapshot"
    assert database["UpdateReplacePolicy"] == "Snapshot"


def test_database_sits_in_the_isolated_subnets(primary_raw):
    _, group = only(primary_raw, "AWS::RDS::DBSubnetGroup")
    for ref in group["Properties"]["SubnetIds"]:
        tags = {
            t["Key"]: t["Value"] for t in primary_raw["Resources"][ref["Ref"]]["Properties"]["Tags"]
        }
        assert tags["aws-cdk:subnet-type"] == "Isolated"


def test_database_credentials_are_generated_into_secrets_manager(primary, primary_raw):
    primary.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {
            "Name": "skylocker/database",
            "GenerateSecretString": Match.object_like(
                {
                    "GenerateStringKey": "password",
                    "SecretStringTemplate": '{"username":"skylocker"}',
                }
            ),
        },
    )
    _, database = only(primary_raw, "AWS::RDS::DBInstance")
    assert "{{resolve:secretsmanager:" in flatten(database["Properties"]["MasterUserPassword"])


def test_read_replica_in_the_dr_region_has_the_primary_database_as_its_source(raw, settings):
    template = raw["Skylocker-DrDatabase"]
    _, replica = only(template, "AWS::RDS::DBInstance")
    props = replica["Properties"]
    source = flatten(props["SourceDBInstanceIdentifier"])
    region = settings.primary_region
    arn = "arn:${AWS::Partition}:rds:" + region + ":${AWS::AccountId}:db:skylocker-db"
    assert source == arn
    assert props["SourceRegion"] == settings.primary_region
    assert settings.primary_region != settings.dr_region
    key = props["KmsKeyId"]["Fn::GetAtt"][0]
    assert template["Resources"][key]["Type"] == "AWS::KMS::Key"
    assert props["DeletionProtection"] is False
    assert "MasterUserPassword" not in props and "DBName" not in props


def test_the_replica_grows_its_storage_as_the_primary_does(raw, primary_raw):
    _, primary = only(primary_raw, "AWS::RDS::DBInstance")
    _, replica = only(raw["Skylocker-DrDatabase"], "AWS::RDS::DBInstance")
    assert int(primary["Properties"]["MaxAllocatedStorage"]) > int(
        primary["Properties"]["AllocatedStorage"]
    )
    assert (
        replica["Properties"]["MaxAllocatedStorage"] == primary["Properties"]["MaxAllocatedStorage"]
    )


def test_replica_lag_is_alarmed_in_the_dr_region(templates, raw):
    template = raw["Skylocker-DrDatabase"]
    replica_id, _ = only(template, "AWS::RDS::DBInstance")
    topic_id, _ = only(template, "AWS::SNS::Topic")
    templates["Skylocker-DrDatabase"].has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ReplicaLag",
            "Namespace": "AWS/RDS",
            "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": {"Ref": replica_id}}],
            "AlarmActions": [{"Ref": topic_id}],
        },
    )
    assert resources(template, "AWS::SNS::Subscription")


def test_database_and_app_secrets_are_replicated_to_the_dr_region(primary_raw, settings):
    secrets = {
        s["Properties"]["Name"]: s["Properties"]
        for s in resources(primary_raw, "AWS::SecretsManager::Secret").values()
    }
    for name in ("skylocker/database", "skylocker/django-secret-key"):
        assert secrets[name]["ReplicaRegions"] == [{"Region": settings.dr_region}], name


def test_replica_accepts_mysql_from_its_own_vpc_only_for_failover_app_servers(raw):
    template = raw["Skylocker-DrDatabase"]
    _, replica = only(template, "AWS::RDS::DBInstance")
    vpc_id, _ = only(template, "AWS::EC2::VPC")
    groups = [ref["Fn::GetAtt"][0] for ref in replica["Properties"]["VPCSecurityGroups"]]
    rules = [
        rule
        for group in groups
        for rule in template["Resources"][group]["Properties"].get("SecurityGroupIngress", [])
    ]
    rules += [
        r["Properties"]
        for r in resources(template, "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"]["Fn::GetAtt"][0] in groups
    ]
    assert [
        (rule["IpProtocol"], rule["FromPort"], rule["ToPort"], rule["CidrIp"]) for rule in rules
    ] == [("tcp", 3306, 3306, {"Fn::GetAtt": [vpc_id, "CidrBlock"]})]
    assert all(rule["Description"] for rule in rules)
