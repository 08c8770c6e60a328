"""The alerts topic (emailing the admin) and the alarms that publish to it."""

from aws_cdk import CfnParameter, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct


def admin_email_parameter(scope: Construct) -> CfnParameter:
    return CfnParameter(
        scope,
        "AdminEmail",
        type="String",
        description="Email address of the Skylocker administrator: "
        "receives deletion alerts and alarms.",
        allowed_pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        constraint_description="an email address",
    )


class AlertsTopic(Construct):
    """An encrypted SNS topic with an email subscription; CloudWatch may publish to it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key: kms.IKey,
        admin_email: str,
        topic_name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=topic_name,
            display_name="Skylocker alerts",
            master_key=key,
            enforce_ssl=True,
        )
        self.topic.add_subscription(subscriptions.EmailSubscription(admin_email))
        # Alarms publish to an encrypted topic only if CloudWatch may use its key.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self.action = cw_actions.SnsAction(self.topic)

    def alarm(
        self,
        scope: Construct,
        construct_id: str,
        *,
        metric: cloudwatch.IMetric,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        description: str,
        evaluation_periods: int = 3,
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            scope,
            construct_id,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=evaluation_periods,
            treat_missing_data=missing,
            alarm_description=description,
        )
        alarm.add_alarm_action(self.action)
        alarm.add_ok_action(self.action)
        return alarm


FIVE_MINUTES = Duration.minutes(5)
ONE_MINUTE = Duration.minutes(1)
