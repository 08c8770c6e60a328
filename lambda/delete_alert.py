"""Skylocker's delete alert Lambda: one alert per deletion the app did not make, and a daily
digest of what the bucket's lifecycle rules expired.

- S3 ObjectRemoved records → one SNS message per object, unless the app's own servers made the
  deletion (the app sends its own, richer alert for those): S3 names the caller in the record's
  principal, `AWS:<role id>:<session>` for a role, compared with APP_ROLE_ID.
- S3 LifecycleExpiration records → one line each on the digest queue (DIGEST_QUEUE_URL); a daily
  scheduled event (EventBridge, `"source": "aws.events"`) drains it into one SNS message.

It catches deletions that never went through the app (the console, a stolen key) so the admins
hear of each once. Standalone: Python standard library and boto3 only. Environment: TOPIC_ARN
(the SNS topic the admins subscribe to), APP_ROLE_ID and DIGEST_QUEUE_URL (both optional: without
them every removal is published at once). Handler: delete_alert.handler.
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
DIGEST_SUBJECT = "Skylocker: daily digest of versions removed by lifecycle rules"
DIGEST_MAX_LINES = 200  # SNS messages are limited to 256 KB; the rest is counted


def made_by_the_app(record: dict) -> bool:
    """True for a removal that the app servers' role made (the app alerts on it itself)."""
    role_id = os.environ.get("APP_ROLE_ID", "")
    principal = (record.get("userIdentity") or {}).get("principalId", "")
    return bool(role_id) and isinstance(principal, str) and principal.startswith(
        f"AWS:{role_id}:"
    )


def digest_line(record: dict) -> str:
    obj = record["s3"]["object"]
    key = unquote_plus(obj["key"]).replace("\n", "\\n")  # one line per object, whatever its key
    line = f"{record.get('eventTime', 'unknown')}  {record['eventName']}  {key}"
    if version := obj.get("versionId"):
        line += f"  (version {version})"
    return line


def publish_digest(sns) -> dict:
    """Drain the digest queue into one message (none when it is empty)."""
    sqs = boto3.client("sqs")
    url = os.environ["DIGEST_QUEUE_URL"]
    lines, receipts = [], []
    while True:
        batch = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=300
        ).get("Messages", [])
        if not batch:
            break
        for message in batch:
            lines.append(message["Body"])
            receipts.append(message["ReceiptHandle"])
    if not lines:
        log.info("Lifecycle digest: nothing expired since the last one")
        return {"published": 0, "skipped": 0, "queued": 0}
    lines.sort()
    shown = lines[:DIGEST_MAX_LINES]
    body = [
        f"S3 lifecycle rules removed {len(lines)} stored object version(s) from Skylocker's "
        "bucket since the last digest. No person removed them: Skylocker's rules delete the "
        "old versions of replaced or deleted files for good after 30 days, and clear delete "
        "markers that no longer hide any version.",
        "",
        *shown,
    ]
    if len(lines) > len(shown):
        body.append(f"... and {len(lines) - len(shown)} more.")
    sns.publish(TopicArn=os.environ["TOPIC_ARN"], Subject=DIGEST_SUBJECT, Message="\n".join(body))
    for start in range(0, len(receipts), 10):
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(n), "ReceiptHandle": handle}
                for n, handle in enumerate(receipts[start : start + 10])
            ],
        )
    log.info("Lifecycle digest of %d removals published", len(lines))
    return {"published": 1, "skipped": 0, "queued": 0}


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
        "Skylocker's own servers did not make this deletion (those arrive as the app's alert "
        "naming the file and who deleted it): it was made outside the app.",
    ]
    return SUBJECT, "\n".join(lines)


def handler(event, context=None) -> dict:
    """Publish one message per removal record the app did not make, queue lifecycle expirations
    for the digest, publish the digest on the daily schedule; log (never raise on) the rest."""
    if (
        isinstance(event, dict)
        and event.get("source") == "aws.events"
        and os.environ.get("DIGEST_QUEUE_URL")
    ):
        return publish_digest(boto3.client("sns"))
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        log.warning("Not an S3 notification, ignored: %s", json.dumps(event, default=str)[:2000])
        return {"published": 0, "skipped": 0, "queued": 0}
    sns = boto3.client("sns")
    digest_queue = os.environ.get("DIGEST_QUEUE_URL")
    published = skipped = queued = 0
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
        if made_by_the_app(record):
            log.info("Deleted by the app, which alerts on it itself: %s", record["eventName"])
            skipped += 1
            continue
        if digest_queue and record["eventName"].startswith("LifecycleExpiration:"):
            boto3.client("sqs").send_message(QueueUrl=digest_queue, MessageBody=digest_line(record))
            queued += 1
            continue
        subject, message = described
        sns.publish(TopicArn=os.environ["TOPIC_ARN"], Subject=subject, Message=message)
        published += 1
    log.info(
        "Published %d deletion alerts, queued %d for the digest, skipped %d records",
        published,
        queued,
        skipped,
    )
    return {"published": published, "skipped": skipped, "queued": queued}
