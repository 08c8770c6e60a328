"""Alerts: the SNS topic emails the admin; alarms publish to it."""

from conftest import only, resources

PRIMARY_ALARMS = {
    ("UnHealthyHostCount", "AWS/ApplicationELB"),
    ("HTTPCode_Target_5XX_Count", "AWS/ApplicationELB"),
    ("HTTPCode_ELB_5XX_Count", "AWS/ApplicationELB"),
    ("CPUUtilization", "AWS/RDS"),
    ("FreeStorageSpace", "AWS/RDS"),
}


def test_topic_has_an_email_subscription_to_the_admin_address_parameter(primary_raw, raw):
    for template in (primary_raw, raw["Skylocker-DrDatabase"]):
        topic_id, topic = only(template, "AWS::SNS::Topic")
        assert "KmsMasterKeyId" in topic["Properties"]
        _, subscription = only(template, "AWS::SNS::Subscription")
        assert subscription["Properties"] == {
            "Protocol": "email",
            "TopicArn": {"Ref": topic_id},
            "Endpoint": {"Ref": "AdminEmail"},
        }
        assert template["Parameters"]["AdminEmail"]["Type"] == "String"


def test_alarms_cover_targets_load_balancer_and_database_and_notify_the_topic(primary_raw):
    topic_id, _ = only(primary_raw, "AWS::SNS::Topic")
    alarms = resources(primary_raw, "AWS::CloudWatch::Alarm")
    assert {
        (a["Properties"]["MetricName"], a["Properties"]["Namespace"]) for a in alarms.values()
    } == PRIMARY_ALARMS
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic_id}]
        assert alarm["Properties"]["AlarmDescription"]


def test_database_alarms_watch_the_primary_database(primary_raw):
    db_id, _ = only(primary_raw, "AWS::RDS::DBInstance")
    for alarm in resources(primary_raw, "AWS::CloudWatch::Alarm").values():
        if alarm["Properties"]["Namespace"] == "AWS/RDS":
            assert alarm["Properties"]["Dimensions"] == [
                {"Name": "DBInstanceIdentifier", "Value": {"Ref": db_id}}
            ]


def test_cloudwatch_may_use_the_topic_key(primary_raw):
    topic_id, topic = only(primary_raw, "AWS::SNS::Topic")
    key = primary_raw["Resources"][topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]]
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    assert any(
        s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
        and "kms:Decrypt" in s["Action"]
        for s in statements
    )
