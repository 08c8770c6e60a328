"""Logs leave the instances: the CloudWatch agent ships web, worker and boot logs into log
groups with retention; a timer publishes the app's backlog metrics."""

import json
import re

from conftest import INFRA_DIR, flatten, resources, user_data

INSTANCE_DIR = INFRA_DIR / "skylocker_infra/instance"


def agent_config(primary_raw) -> dict:
    script = user_data(primary_raw)
    text = script.split("/opt/aws/amazon-cloudwatch-agent/etc/skylocker.json <<'SKYLOCKER_EOF'\n")[
        1
    ].split("\nSKYLOCKER_EOF")[0]
    return json.loads(text)


def test_the_agent_ships_web_worker_and_boot_logs_into_the_stacks_log_groups(primary_raw):
    collected = {
        entry["file_path"]: entry["log_group_name"]
        for entry in agent_config(primary_raw)["logs"]["logs_collected"]["files"]["collect_list"]
    }
    groups = {
        lid: group
        for lid, group in resources(primary_raw, "AWS::Logs::LogGroup").items()
        if lid.startswith(("WebLogs", "WorkerLogs", "BootstrapLogs"))
    }
    assert set(collected) == {
        "/var/log/skylocker/web.log",
        "/var/log/skylocker/worker.log",
        "/var/log/skylocker/bootstrap.log",
    }
    assert sorted(collected.values()) == sorted("${" + lid + "}" for lid in groups)
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == 90
        assert "KmsKeyId" in group["Properties"]
        assert "LogGroupName" not in group["Properties"]


def test_the_agent_is_installed_and_started_before_the_app(primary_raw):
    script = user_data(primary_raw)
    install = script.index("dnf install -y python3.11 file-libs amazon-cloudwatch-agent")
    start = script.index("amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s")
    assert install < start < script.index("systemctl enable --now")
    # The boot log is written where the agent reads it from the start.
    assert "exec > >(tee -a /var/log/skylocker/bootstrap.log) 2>&1" in script


def test_web_and_worker_write_their_output_where_the_agent_reads_it():
    for name in ("web", "worker"):
        unit = (INSTANCE_DIR / f"skylocker-{name}.service").read_text()
        assert f"StandardOutput=append:/var/log/skylocker/{name}.log" in unit
        assert f"StandardError=append:/var/log/skylocker/{name}.log" in unit


def test_the_role_may_write_to_those_log_groups(primary_raw):
    policies = " ".join(
        flatten(p["Properties"]["PolicyDocument"])
        for lid, p in resources(primary_raw, "AWS::IAM::Policy").items()
        if lid.startswith("InstanceRole")
    )
    for prefix in ("WebLogs", "WorkerLogs", "BootstrapLogs"):
        assert re.search(r"\$\{" + prefix + r"\w+\.Arn\}", policies), prefix
    assert "logs:PutLogEvents" in policies


def test_a_timer_publishes_the_backlog_metrics_every_minute(primary_raw):
    script = user_data(primary_raw)
    service = (INSTANCE_DIR / "skylocker-metrics.service").read_text()
    timer = (INSTANCE_DIR / "skylocker-metrics.timer").read_text()
    assert "ExecStart=/opt/skylocker/venv/bin/skylocker-manage publish_metrics" in service
    assert "OnUnitActiveSec=1min" in timer
    assert service in script + "\n" and timer in script + "\n"
    assert (INFRA_DIR.parent / "locker/management/commands/publish_metrics.py").is_file()
