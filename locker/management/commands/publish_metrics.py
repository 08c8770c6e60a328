"""Publish Skylocker's backlog to CloudWatch: deletion alerts not yet delivered and objects not
yet removed from storage. Run every minute on each app server by skylocker-metrics.timer; the
stack's alarms watch both (a growing backlog means SMTP/SNS or S3 keeps refusing the worker).

Every server publishes the same database-wide counts: the alarms read their maximum.
"""

from typing import Any

import boto3
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from locker.models import AlertDelivery, ObjectRemoval

NAMESPACE = "Skylocker"


def backlog() -> dict[str, int]:
    return {
        "UndeliveredAlerts": AlertDelivery.objects.pending().count(),
        "PendingObjectRemovals": ObjectRemoval.objects.count(),
    }


class Command(BaseCommand):
    help = "Publish the undelivered alerts and pending object removals to CloudWatch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--namespace", default=NAMESPACE, help=f"CloudWatch namespace (default {NAMESPACE})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = backlog()
        boto3.client("cloudwatch", region_name=settings.AWS_REGION).put_metric_data(
            Namespace=options["namespace"],
            MetricData=[
                {"MetricName": name, "Value": value, "Unit": "Count"}
                for name, value in counts.items()
            ],
        )
        self.stdout.write(" ".join(f"{name}={value}" for name, value in counts.items()))
