"""Skylocker's delete alert Lambda: S3 ObjectRemoved notifications → one SNS message per object.

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
WHAT = {
    "ObjectRemoved:Delete": "deleted",
    "ObjectRemoved:DeleteMarkerCreated": "hidden behind a delete marker (versioned bucket)",
}


def describe(record: dict) -> str | None:
    """A readable message for one ObjectRemoved record; None for any other kind of record."""
    event = record.get("eventName", "")
    if not isinstance(event, str) or not event.startswith("ObjectRemoved:"):
        return None
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
    lines += [
        "",
        "Deletions made through Skylocker also arrive as a separate alert naming the file and "
        "who deleted it. If none arrives for this object, it was deleted outside the app.",
    ]
    return "\n".join(lines)


def handler(event, context=None) -> dict:
    """Publish one message per ObjectRemoved record; log (never raise on) anything else."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        log.warning("Not an S3 notification, ignored: %s", json.dumps(event, default=str)[:2000])
        return {"published": 0, "skipped": 0}
    sns = boto3.client("sns")
    published = skipped = 0
    for record in records:
        try:
            message = describe(record)
        except (KeyError, TypeError, AttributeError) as exc:
            log.warning(
                "Malformed S3 record skipped (%r): %s", exc, json.dumps(record, default=str)[:2000]
            )
            skipped += 1
            continue
        if message is None:
            log.info("Not a removal, skipped: %s", record.get("eventName"))
            skipped += 1
            continue
        sns.publish(TopicArn=os.environ["TOPIC_ARN"], Subject=SUBJECT, Message=message)
        published += 1
    log.info("Published %d deletion alerts, skipped %d records", published, skipped)
    return {"published": published, "skipped": skipped}
