"""Skylocker's delete alert Lambda: S3 ObjectRemoved and LifecycleExpiration notifications → one
SNS message per object.

It catches deletions that never went through the app (the console, a lifecycle rule, a stolen
key) so the admins hear of every one. Standalone: Python standard library and boto3 only.
Environment: TOPIC_ARN, the SNS topic the admins subscribe to. Handler: delete_alert.handler.
"""

import json
import logging
import os
from urllib.parse import unquote_plus

import boto3

log = logging.getLogger()
log.setLevel(logging.INFO)

SUBJECT = "Skylocker: a stored object was deleted from S3"
LIFECYCLE_SUBJECT = "Skylocker: a lifecycle rule removed a stored object from S3"
WHAT = {
    "ObjectRemoved:Delete": "deleted",
    "ObjectRemoved:DeleteMarkerCreated": "hidden behind a delete marker (versioned bucket)",
    "LifecycleExpiration:Delete": "permanently deleted by a lifecycle rule of the bucket",
    "LifecycleExpiration:DeleteMarkerCreated": "hidden behind a delete marker by a lifecycle "
    "rule of the bucket",
}
REMOVALS = ("ObjectRemoved:", "LifecycleExpiration:")


def describe(record: dict) -> tuple[str, str] | None:
    """The subject and a readable message for one removal record (ObjectRemoved, or a lifecycle
    expiration); None for any other kind of record."""
    event = record.get("eventName", "")
    if not isinstance(event, str) or not event.startswith(REMOVALS):
        return None
    lifecycle = event.startswith("LifecycleExpiration:")
    s3 = record["s3"]
    bucket = s3["bucket"]["name"]
    obj = s3["object"]
    key = unquote_plus(obj["key"])
    lines = [
        f"An object was {WHAT.get(event, 'removed')} in Skylocker's bucket {bucket}.",
        "",
        f"Object key:  {key}",
        f"Event:       {event}",
        f"Time:        {record.get('eventTime', 'unknown')}",
        f"Region:      {record.get('awsRegion', 'unknown')}",
        f"By:          {record.get('userIdentity', {}).get('principalId', 'unknown')}",
        f"From:        {record.get('requestParameters', {}).get('sourceIPAddress', 'unknown')}",
    ]
    if version := obj.get("versionId"):
        lines.append(f"Version id:  {version}")
    if key.startswith("u/"):
        lines.append(f"Owner id:    {key.split('/')[1]} (Skylocker user id from the key)")
    if lifecycle:
        lines += [
            "",
            "No person removed it: S3 applied one of the bucket's lifecycle rules. Skylocker's "
            "rules delete the old versions of replaced or deleted files for good after 30 days, "
            "and clear delete markers that no longer hide any version.",
        ]
        return LIFECYCLE_SUBJECT, "\n".join(lines)
    lines += [
        "",
        "Deletions made through Skylocker also arrive as a separate alert naming the file and "
        "who deleted it. If none arrives for this object, it was deleted outside the app.",
    ]
    return SUBJECT, "\n".join(lines)


def handler(event, context=None) -> dict:
    """Publish one message per removal record; log (never raise on) anything else."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        log.warning("Not an S3 notification, ignored: %s", json.dumps(event, default=str)[:2000])
        return {"published": 0, "skipped": 0}
    sns = boto3.client("sns")
    published = skipped = 0
    for record in records:
        try:
            described = describe(record)
        except (KeyError, TypeError, AttributeError) as exc:
            log.warning(
                "Malformed S3 record skipped (%r): %s", exc, json.dumps(record, default=str)[:2000]
            )
            skipped += 1
            continue
        if described is None:
            log.info("Not a removal, skipped: %s", record.get("eventName"))
            skipped += 1
            continue
        subject, message = described
        sns.publish(TopicArn=os.environ["TOPIC_ARN"], Subject=subject, Message=message)
        published += 1
    log.info("Published %d deletion alerts, skipped %d records", published, skipped)
    return {"published": published, "skipped": skipped}
