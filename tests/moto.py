"""A real S3/SNS/SQS HTTP endpoint for the tests: moto's server, one per test session.

moto does not enforce presigned POST policies, sends no S3 event notifications and cannot
run Lambda functions without Docker; the tests that need those facts check them otherwise.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.live import free_port

# Dummy credentials, set only while the session's moto server runs: no real AWS is ever reached.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "skylocker-test",
    "AWS_SECRET_ACCESS_KEY": "skylocker-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


def start_moto(port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto server did not start within 30 s")


@contextmanager
def serving_moto(**extra_env: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """A moto server and its endpoint URL, with the dummy credentials and endpoints set in the
    environment while it runs (and `extra_env`, e.g. moto's request recording)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in extra_env.items():
            patch.setenv(name, value)
        port = free_port()
        process = start_moto(port)
        url = f"http://127.0.0.1:{port}"
        for name, value in AWS_ENV.items():
            patch.setenv(name, value)
        for service in ("S3", "SNS", "SQS"):
            patch.setenv(f"AWS_ENDPOINT_URL_{service}", url)
        patch.delenv("AWS_PROFILE", raising=False)
        try:
            yield process, url
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def aws_client(service: str, url: str):
    import boto3

    return boto3.client(service, endpoint_url=url, region_name=AWS_ENV["AWS_REGION"])


class Topic:
    """An SNS topic on moto with an SQS queue subscribed, so tests can read what was published."""

    def __init__(self, url: str, name: str):
        self.sns = aws_client("sns", url)
        self.sqs = aws_client("sqs", url)
        self.arn = self.sns.create_topic(Name=name)["TopicArn"]
        self.queue_url = self.sqs.create_queue(QueueName=f"{name}-inbox")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        self.sns.subscribe(TopicArn=self.arn, Protocol="sqs", Endpoint=queue_arn)

    def messages(self, expect: int = 1, timeout: float = 10.0) -> list[dict]:
        """The SNS envelopes (Subject, Message, …) received so far, waiting for `expect` of them."""
        import json

        received: list[dict] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            )
            for message in reply.get("Messages", []):
                received.append(json.loads(message["Body"]))
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
            if len(received) >= expect:
                break
            time.sleep(0.1)
        return received


def unique(prefix: str) -> str:
    return f"{prefix}-{os.urandom(4).hex()}"
