"""Alerts: the SNS topic emails the admin; alarms publish to it."""

import re

from conftest import INFRA_DIR, flatten, only, resources

PRIMARY_ALARMS = {
    ("UnHealthyHostCount", "AWS/ApplicationELB"),
    ("HealthyHostCount", "AWS/ApplicationELB"),
    ("HTTPCode_Target_5XX_Count", "AWS/ApplicationELB"),
    ("HTTPCode_ELB_5XX_Count", "AWS/ApplicationELB"),
    ("CPUUtilization", "AWS/RDS"),
    ("FreeStorageSpace", "AWS/RDS"),
    ("FreeableMemory", "AWS/RDS"),
    ("DatabaseConnections", "AWS/RDS"),
    ("Errors", "AWS/Lambda"),
    ("ApproximateNumberOfMessagesVisible", "AWS/SQS"),
    ("UndeliveredAlerts", "Skylocker"),
    ("PendingObjectRemovals", "Skylocker"),
    ("OperationsFailedReplication", "AWS/S3"),
}
DR_ALARMS = {
    ("ReplicaLag", "AWS/RDS"),
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


def test_dr_alarms_cover_the_replicas_lag_cpu_and_storage_and_notify_the_dr_topic(raw):
    template = raw["Skylocker-DrDatabase"]
    topic_id, _ = only(template, "AWS::SNS::Topic")
    replica_id, _ = only(template, "AWS::RDS::DBInstance")
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    assert {
        (a["Properties"]["MetricName"], a["Properties"]["Namespace"]) for a in alarms.values()
    } == DR_ALARMS
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["Properties"]["Dimensions"] == [
            {"Name": "DBInstanceIdentifier", "Value": {"Ref": replica_id}}
        ]


def alarm_on(primary_raw, metric: str) -> dict:
    (alarm,) = [
        a["Properties"]
        for a in resources(primary_raw, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == metric
    ]
    return alarm


def test_no_healthy_host_alarms_also_when_there_is_no_target_at_all(primary_raw):
    alarm = alarm_on(primary_raw, "HealthyHostCount")
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    assert alarm["Threshold"] == 1
    assert alarm["Statistic"] == "Minimum"
    # No data at all (no target registered) is an outage too.
    assert alarm["TreatMissingData"] == "breaching"


def test_the_lambda_and_its_dead_letter_queue_are_watched(primary_raw):
    function_id = next(
        k for k in resources(primary_raw, "AWS::Lambda::Function") if k.startswith("DeleteAlert")
    )
    errors = alarm_on(primary_raw, "Errors")
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function_id}}]
    assert (errors["Threshold"], errors["Statistic"]) == (1, "Sum")
    dead_letters = next(
        k for k in resources(primary_raw, "AWS::SQS::Queue") if k.startswith("DeleteAlertDead")
    )
    queue = alarm_on(primary_raw, "ApproximateNumberOfMessagesVisible")
    assert queue["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [dead_letters, "QueueName"]}}
    ]
    assert queue["Threshold"] == 1


def test_the_apps_backlog_metrics_are_alarmed_in_the_namespace_the_app_publishes_to(
    primary_raw,
):
    command = (INFRA_DIR.parent / "locker/management/commands/publish_metrics.py").read_text()
    assert re.search(r'^NAMESPACE = "Skylocker"$', command, re.M)
    for metric in ("UndeliveredAlerts", "PendingObjectRemovals"):
        assert f'"{metric}"' in command
        alarm = alarm_on(primary_raw, metric)
        assert alarm["Namespace"] == "Skylocker"
        assert "Dimensions" not in alarm
    # A publisher that stopped is as bad as a backlog.
    assert alarm_on(primary_raw, "UndeliveredAlerts")["TreatMissingData"] == "breaching"


def test_replication_failures_are_alarmed_for_the_rule_into_the_dr_bucket(primary_raw, settings):
    alarm = alarm_on(primary_raw, "OperationsFailedReplication")
    dimensions = {d["Name"]: flatten(d["Value"]) for d in alarm["Dimensions"]}
    assert dimensions["RuleId"] == "to-disaster-recovery-region"
    assert dimensions["DestinationBucket"] == (
        f"skylocker-files-${{AWS::AccountId}}-{settings.dr_region}"
    )
    assert dimensions["SourceBucket"].startswith("${Files")


def test_a_dashboard_shows_the_servers_database_alerts_and_lambda(primary_raw):
    _, dashboard = only(primary_raw, "AWS::CloudWatch::Dashboard")
    body = flatten(dashboard["Properties"]["DashboardBody"])
    for metric in (
        "HealthyHostCount",
        "HTTPCode_Target_5XX_Count",
        "FreeableMemory",
        "DatabaseConnections",
        "UndeliveredAlerts",
        "PendingObjectRemovals",
        "Errors",
    ):
        assert metric in body, metric


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


def test_server_launches_and_terminations_are_notified_and_may_use_the_topic_key(primary_raw):
    topic_id, topic = only(primary_raw, "AWS::SNS::Topic")
    _, group = only(primary_raw, "AWS::AutoScaling::AutoScalingGroup")
    (notification,) = group["Properties"]["NotificationConfigurations"]
    assert notification["TopicARN"] == {"Ref": topic_id}
    assert {
        "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
        "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
    } <= set(notification["NotificationTypes"])
    key = primary_raw["Resources"][topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]]
    (statement,) = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Sid") == "AutoScalingNotifications"
    ]
    assert flatten(statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]).endswith(
        ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    assert "kms:GenerateDataKey*" in statement["Action"]
