"""publish_metrics sends the alert and removal backlog to CloudWatch (moto's, over HTTP)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from locker.models import AlertDelivery, DeletionAlert, ObjectRemoval
from tests.moto import aws_client, unique

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


@pytest.fixture
def cloudwatch(moto_url, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", moto_url)
    return aws_client("cloudwatch", moto_url)


@pytest.fixture
def namespace() -> str:
    """A namespace of the test's own on the session's moto server."""
    return unique("Skylocker")


def latest(cloudwatch, namespace: str, name: str) -> float:
    now = datetime.now(UTC)
    points = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        StartTime=now - timedelta(minutes=5),
        EndTime=now + timedelta(minutes=1),
        Period=60,
        Statistics=["Maximum"],
    )["Datapoints"]
    assert points, f"no {name} published"
    return max(points, key=lambda p: p["Timestamp"])["Maximum"]


def alert(channel_states: dict[str, bool]) -> DeletionAlert:
    made = DeletionAlert.objects.create(
        file_id="00000000-0000-0000-0000-000000000001",
        file_name="report.pdf",
        size=3,
        sha256="0" * 64,
        owner_username="alice",
        owner_name="Alice A",
        actor_username="alice",
        actor_name="Alice A",
        actor_is_staff=False,
    )
    for channel, delivered in channel_states.items():
        AlertDelivery.objects.create(
            alert=made, channel=channel, delivered_at=datetime.now(UTC) if delivered else None
        )
    return made


def test_the_undelivered_alerts_and_pending_removals_reach_cloudwatch(
    cloudwatch, namespace, capsys
):
    alert({"email": True, "sns": False})
    alert({"email": False, "sns": False})
    for n in range(3):
        ObjectRemoval.objects.create(name=f"u/1/{n:032x}")

    call_command("publish_metrics", "--namespace", namespace)

    assert latest(cloudwatch, namespace, "UndeliveredAlerts") == 3
    assert latest(cloudwatch, namespace, "PendingObjectRemovals") == 3
    assert capsys.readouterr().out.strip() == "UndeliveredAlerts=3 PendingObjectRemovals=3"
    names = {
        m["MetricName"] for m in cloudwatch.list_metrics(Namespace=namespace)["Metrics"]
    }
    assert names == {"UndeliveredAlerts", "PendingObjectRemovals"}


def test_an_empty_backlog_is_published_as_zero_not_left_out(cloudwatch, namespace):
    alert({"email": True})

    call_command("publish_metrics", "--namespace", namespace)

    assert latest(cloudwatch, namespace, "UndeliveredAlerts") == 0
    assert latest(cloudwatch, namespace, "PendingObjectRemovals") == 0
