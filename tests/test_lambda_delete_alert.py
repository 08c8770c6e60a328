"""The delete Lambda (lambda/delete_alert.py) with real-shaped S3 events, publishing to moto's SNS.

moto cannot run Lambda functions without Docker, so the handler is called directly, the way
the Lambda runtime calls it; SNS is the real HTTP endpoint of the session's moto server.
"""

import importlib.util
import logging
from pathlib import Path

import pytest

from tests.moto import Topic, unique

pytestmark = pytest.mark.s3

MODULE = Path(__file__).resolve().parent.parent / "lambda" / "delete_alert.py"


@pytest.fixture(scope="module")
def delete_alert():
    spec = importlib.util.spec_from_file_location("delete_alert", MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def topic(moto_url, monkeypatch):
    topic = Topic(moto_url, unique("skylocker-deletions"))
    monkeypatch.setenv("TOPIC_ARN", topic.arn)
    return topic


def record(key: str, event: str = "ObjectRemoved:Delete", **obj) -> dict:
    """One record as S3 sends it (event structure version 2.1)."""
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "eu-west-1",
        "eventTime": "2026-11-28T14:00:00.000Z",
        "eventName": event,
        "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
        "requestParameters": {"sourceIPAddress": "203.0.113.9"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "skylocker-deletions",
            "bucket": {"name": "skylocker-files", "arn": "arn:aws:s3:::skylocker-files"},
            "object": {"key": key, "sequencer": "0055AED6DCD90281E5", **obj},
        },
    }


def test_one_deletion_publishes_one_readable_message(delete_alert, topic):
    result = delete_alert.handler({"Records": [record("u/7/0a1b2c")]}, None)

    assert result == {"published": 1, "skipped": 0}
    [message] = topic.messages(expect=1)
    assert message["TopicArn"] == topic.arn
    assert message["Subject"] == "Skylocker: a stored object was deleted from S3"
    body = message["Message"]
    assert "An object was deleted in Skylocker's bucket skylocker-files." in body
    assert "Object key:  u/7/0a1b2c" in body
    assert "Event:       ObjectRemoved:Delete" in body
    assert "By:          AWS:AIDAEXAMPLE" in body
    assert "From:        203.0.113.9" in body
    assert "Owner id:    7" in body


def test_a_batch_publishes_one_message_per_record(delete_alert, topic):
    keys = [f"u/1/{n:032x}" for n in range(5)]

    result = delete_alert.handler({"Records": [record(key) for key in keys]}, None)

    assert result == {"published": 5, "skipped": 0}
    messages = topic.messages(expect=5)
    assert len(messages) == 5
    assert sorted(
        line for m in messages for line in m["Message"].splitlines() if "key:" in line
    ) == [f"Object key:  {key}" for key in keys]


def test_url_encoded_keys_are_decoded(delete_alert, topic):
    delete_alert.handler({"Records": [record("reports/Q3+r%C3%A9sum%C3%A9+%2B+notes.txt")]})

    [message] = topic.messages(expect=1)
    assert "Object key:  reports/Q3 résumé + notes.txt" in message["Message"]


def test_a_delete_marker_on_a_versioned_bucket_is_reported_as_such(delete_alert, topic):
    event = record("u/2/ff00", "ObjectRemoved:DeleteMarkerCreated", versionId="3HL4kqtJlcpXroDTDmJ")

    assert delete_alert.handler({"Records": [event]}) == {"published": 1, "skipped": 0}
    [message] = topic.messages(expect=1)
    assert "hidden behind a delete marker (versioned bucket)" in message["Message"]
    assert "Version id:  3HL4kqtJlcpXroDTDmJ" in message["Message"]


def test_garbage_is_logged_and_skipped_while_good_records_still_go_out(delete_alert, topic, caplog):
    broken = record("u/3/aa")
    del broken["s3"]["bucket"]
    events = [
        {
            "Records": [
                broken,
                "not a record",
                record("u/3/bb", "ObjectCreated:Put"),
                record("u/3/cc"),
            ]
        },
        {"detail-type": "Scheduled Event"},
        "a plain string",
        {"Records": None},
    ]

    with caplog.at_level(logging.INFO):
        results = [delete_alert.handler(event) for event in events]

    assert results == [
        {"published": 1, "skipped": 3},
        {"published": 0, "skipped": 0},
        {"published": 0, "skipped": 0},
        {"published": 0, "skipped": 0},
    ]
    messages = topic.messages(expect=1)
    assert [m["Message"].splitlines()[2] for m in messages] == ["Object key:  u/3/cc"]
    assert "Malformed S3 record skipped" in caplog.text
    assert "Not an S3 notification, ignored" in caplog.text


LIFECYCLE_SUBJECT = "Skylocker: a lifecycle rule removed a stored object from S3"


def lifecycle_record(key: str, event: str, **obj) -> dict:
    """A record as S3 sends it when a lifecycle rule expires an object: S3 itself is the actor."""
    expired = record(key, event, **obj)
    expired["userIdentity"] = {"principalId": "s3.amazonaws.com"}
    expired["requestParameters"] = {"sourceIPAddress": "s3.amazonaws.com"}
    return expired


def lifecycle_message_lines(topic) -> list[str]:
    """The one message published, checked to carry the lifecycle subject, as lines."""
    [message] = topic.messages(expect=1)
    assert message["Subject"] == LIFECYCLE_SUBJECT
    lines = message["Message"].splitlines()
    assert lines[-1].startswith("No person removed it: S3 applied one of the bucket's lifecycle")
    assert not [line for line in lines if "outside the app" in line]
    return lines


def test_a_version_expired_by_a_lifecycle_rule_is_reported_as_the_rules_doing(delete_alert, topic):
    event = lifecycle_record("u/4/0c0d", "LifecycleExpiration:Delete", versionId="Vx.9eZ1")

    assert delete_alert.handler({"Records": [event]}) == {"published": 1, "skipped": 0}
    lines = lifecycle_message_lines(topic)
    assert lines[0] == (
        "An object was permanently deleted by a lifecycle rule of the bucket "
        "in Skylocker's bucket skylocker-files."
    )
    assert {
        "Event:       LifecycleExpiration:Delete",
        "Version id:  Vx.9eZ1",
        "Owner id:    4 (Skylocker user id from the key)",
    } <= set(lines)


def test_a_delete_marker_made_by_a_lifecycle_rule_is_reported_and_transitions_are_not(
    delete_alert, topic
):
    marker = lifecycle_record("u/5/0e0f", "LifecycleExpiration:DeleteMarkerCreated")
    transition = lifecycle_record("u/5/1010", "LifecycleTransition")

    result = delete_alert.handler({"Records": [transition, marker]})

    assert result == {"published": 1, "skipped": 1}
    lines = lifecycle_message_lines(topic)
    assert lines[0].startswith(
        "An object was hidden behind a delete marker by a lifecycle rule of the bucket"
    )
    assert {
        "Object key:  u/5/0e0f",
        "Event:       LifecycleExpiration:DeleteMarkerCreated",
        "By:          s3.amazonaws.com",
    } <= set(lines)
