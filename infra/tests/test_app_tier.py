"""App tier: ASG behind an HTTPS load balancer, IMDSv2, its own role, the app from this repo."""

import hashlib
import re
import subprocess
import tomllib

from aws_cdk.assertions import Match
from conftest import INFRA_DIR, flatten, only, resources, user_data

REPO = INFRA_DIR.parent


def test_auto_scaling_group_keeps_two_instances_across_zones_with_elb_health_checks(
    primary, primary_raw, settings
):
    _, group = only(primary_raw, "AWS::AutoScaling::AutoScalingGroup")
    props = group["Properties"]
    assert int(props["MinSize"]) >= 2
    assert int(props["MaxSize"]) > int(props["MinSize"])
    assert props["HealthCheckType"] == "ELB"
    assert props["HealthCheckGracePeriod"] >= 300
    subnets = primary_raw["Resources"]
    zones = {
        subnets[ref["Ref"]]["Properties"]["AvailabilityZone"] for ref in props["VPCZoneIdentifier"]
    }
    assert zones == set(settings.primary_azs)
    for ref in props["VPCZoneIdentifier"]:
        tags = {t["Key"]: t["Value"] for t in subnets[ref["Ref"]]["Properties"]["Tags"]}
        assert tags["aws-cdk:subnet-type"] == "Private"
    assert "LaunchTemplate" in props
    assert props["TargetGroupARNs"] == [
        {"Ref": only(primary_raw, "AWS::ElasticLoadBalancingV2::TargetGroup")[0]}
    ]


def test_launch_template_requires_imdsv2_and_has_an_instance_role_of_its_own(primary_raw):
    _, template = only(primary_raw, "AWS::EC2::LaunchTemplate")
    data = template["Properties"]["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    assert all(device["Ebs"]["Encrypted"] for device in data["BlockDeviceMappings"])
    profile_id = data["IamInstanceProfile"]["Arn"]["Fn::GetAtt"][0]
    role_ref = primary_raw["Resources"][profile_id]["Properties"]["Roles"][0]["Ref"]
    role = primary_raw["Resources"][role_ref]
    statement = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert role_ref.startswith("InstanceRole")


def test_load_balancer_is_internet_facing_with_https_and_an_http_redirect(primary, primary_raw):
    primary.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "Scheme": "internet-facing",
            "LoadBalancerAttributes": Match.array_with(
                [
                    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                    {"Key": "access_logs.s3.enabled", "Value": "true"},
                ]
            ),
        },
    )
    listeners = {
        r["Properties"]["Port"]: r["Properties"]
        for r in resources(primary_raw, "AWS::ElasticLoadBalancingV2::Listener").values()
    }
    assert set(listeners) == {80, 443}
    https = listeners[443]
    assert https["Protocol"] == "HTTPS"
    certificate_id = https["Certificates"][0]["CertificateArn"]["Ref"]
    assert (
        primary_raw["Resources"][certificate_id]["Type"] == "AWS::CertificateManager::Certificate"
    )
    assert https["DefaultActions"][0]["Type"] == "forward"
    http = listeners[80]
    assert http["Protocol"] == "HTTP"
    assert http["DefaultActions"] == [
        {
            "Type": "redirect",
            "RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"},
        }
    ]


def test_target_group_checks_healthz_on_the_app_port(primary):
    primary.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {
            "HealthCheckPath": "/healthz",
            "Matcher": {"HttpCode": "200"},
            "Port": 8000,
            "Protocol": "HTTP",
        },
    )


def test_the_group_scales_by_target_tracking(primary):
    primary.has_resource_properties(
        "AWS::AutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingConfiguration": Match.object_like(
                {
                    "PredefinedMetricSpecification": {
                        "PredefinedMetricType": "ASGAverageCPUUtilization"
                    },
                }
            ),
        },
    )


def test_only_the_load_balancer_reaches_the_app_and_only_the_app_reaches_the_database(primary_raw):
    groups = resources(primary_raw, "AWS::EC2::SecurityGroup")
    app_sg = next(k for k in groups if k.startswith("AppSecurityGroup"))
    lb_sg = next(k for k in groups if k.startswith("LoadBalancer"))
    db_sg = next(k for k in groups if k.startswith("DatabaseSecurityGroup"))
    ingress = {}
    for rule in resources(primary_raw, "AWS::EC2::SecurityGroupIngress").values():
        props = rule["Properties"]
        ingress.setdefault(props["GroupId"]["Fn::GetAtt"][0], []).append(
            (props["SourceSecurityGroupId"]["Fn::GetAtt"][0], flatten(props["FromPort"]))
        )
    database_id, _ = only(primary_raw, "AWS::RDS::DBInstance")
    assert ingress[app_sg] == [(lb_sg, "8000")]
    assert ingress[db_sg] == [(app_sg, "${" + database_id + ".Endpoint.Port}")]
    for group in (app_sg, db_sg):
        assert "SecurityGroupIngress" not in groups[group]["Properties"]


def test_user_data_installs_the_wheelhouse_and_runs_web_worker_and_migrations_under_systemd(
    primary_raw,
):
    script = user_data(primary_raw)
    assert "python3.11 -m venv /opt/skylocker/venv" in script
    assert (
        "/opt/skylocker/venv/bin/pip install --quiet --disable-pip-version-check --no-index "
        "--require-hashes --find-links /opt/skylocker/dist/wheelhouse "
        "-r /opt/skylocker/dist/wheelhouse/requirements.txt" in script
    )
    assert "gunicorn skylocker.wsgi:application --bind ${HOST}:${PORT}" in script
    assert "ExecStart=/opt/skylocker/venv/bin/skylocker-manage run_worker" in script
    assert "ExecStartPre=/opt/skylocker/venv/bin/skylocker-manage clear_upload_temp" in script
    assert "ExecStart=/opt/skylocker/venv/bin/skylocker-manage migrate_with_lock" in script
    assert "ExecStart=/opt/skylocker/venv/bin/skylocker-manage collectstatic --noinput" in script
    assert (
        "systemctl enable --now skylocker-web.service skylocker-worker.service "
        "skylocker-metrics.timer" in script
    )
    # The web server and the worker start only after the (locked) migrations, which follow the
    # configuration step.
    for unit in ("web", "worker", "metrics"):
        block = script.split(f"/etc/systemd/system/skylocker-{unit}.service")[1].split(
            "SKYLOCKER_EOF"
        )[1]
        assert (
            "Requires=skylocker-migrate.service" in block
            and "EnvironmentFile=/etc/skylocker/env" in block
        )
    migrate = script.split("/etc/systemd/system/skylocker-migrate.service")[1].split(
        "SKYLOCKER_EOF"
    )[1]
    assert "After=skylocker-config.service" in migrate
    assert len(script.encode()) < 16 * 1024, "EC2 user data is limited to 16 KiB"


def test_no_boot_reaches_a_package_index(primary_raw):
    script = user_data(primary_raw)
    installs = [line for line in script.splitlines() if re.search(r"\bpip\b.* install ", line)]
    assert installs and all("--no-index" in line for line in installs), installs
    assert "pypi" not in script.lower()
    assert "--index-url" not in script and "--extra-index-url" not in script
    assert "-r /opt/skylocker/dist/requirements-app.lock" not in script


def wheelhouse_asset(primary_raw, outdir):
    script = user_data(primary_raw)
    (url,) = re.findall(r'aws s3 cp --region \S+ "(s3://[^"]+\.zip)"', script)
    return outdir / f"asset.{url.rsplit('/', 1)[1].removesuffix('.zip')}"


def test_the_wheelhouse_asset_holds_every_pin_of_the_app_lock_with_its_hash(
    primary_raw, outdir, settings
):
    asset = wheelhouse_asset(primary_raw, outdir)
    requirements = (asset / "requirements.txt").read_text().splitlines()
    hashed = {}
    for line in requirements:
        pin, digest = line.split(" --hash=sha256:")
        hashed[pin] = digest
    wheels = {w.name: w for w in asset.glob("*.whl")}
    assert len(wheels) == len(hashed)
    for wheel in wheels.values():
        name, version = wheel.name.split("-")[:2]
        pin = f"{re.sub(r'[-_.]+', '-', name).lower()}=={version}"
        assert hashed[pin] == hashlib.sha256(wheel.read_bytes()).hexdigest(), wheel.name
    lock = pins(REPO / "requirements-app.lock")
    assert {p.split("==")[0]: p.split("==")[1] for p in hashed} == {**lock, "skylocker": "0.1.0"}
    assert (asset / settings.wheel.name).read_bytes() == settings.wheel.read_bytes()
    # Wheels for the servers (CPython 3.11 on x86-64 Linux), never a source build at boot.
    for name in wheels:
        tags = name.removesuffix(".whl").split("-")[-3:]
        assert tags[0] in {"py3", "cp311", "py2.py3"} or tags[0].startswith("cp3"), name
        assert tags[2] == "any" or "x86_64" in tags[2], name


def pins(path) -> dict[str, str]:
    """name -> version of every `name==version` line of a pip-compile lock file."""
    found = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split(";")[0].strip().split("==")
            found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found


def test_instances_install_the_app_alone_with_the_pins_of_requirements_lock(primary_raw, outdir):
    asset = wheelhouse_asset(primary_raw, outdir)
    app = {
        line.split("==")[0]: line.split("==")[1].split(" ")[0]
        for line in (asset / "requirements.txt").read_text().splitlines()
    }
    app.pop("skylocker")
    full = pins(REPO / "requirements.lock")
    assert {"django", "gunicorn", "boto3", "pymysql"} <= set(app)
    # The same versions CI tested with ...
    assert {name: full.get(name) for name in app} == app
    # ... and none of the test tools (pyproject.toml's `test` extra), which would only add
    # weight and attack surface on the servers.
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    test_only = {
        re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~; ]", requirement)[0]).lower()
        for requirement in pyproject["project"]["optional-dependencies"]["test"]
    }
    assert {"pytest", "moto", "playwright", "schemathesis"} <= test_only
    assert not test_only & set(app)


def test_the_management_commands_the_units_run_exist_in_the_app():
    commands = {p.stem for p in REPO.glob("*/management/commands/*.py")}
    for unit in ("skylocker-migrate.service", "skylocker-worker.service"):
        text = (INFRA_DIR / "skylocker_infra/instance" / unit).read_text()
        for command in re.findall(r"skylocker-manage (\w+)", text):
            assert command in commands | {"collectstatic"}, command
    assert "skylocker-manage = " in (REPO / "pyproject.toml").read_text()


def test_instance_role_reads_its_configuration_and_secrets_and_uses_the_bucket(primary_raw):
    policies = [
        flatten(p["Properties"]["PolicyDocument"])
        for lid, p in resources(primary_raw, "AWS::IAM::Policy").items()
        if lid.startswith("InstanceRole")
    ]
    text = " ".join(policies)
    for action in (
        "ssm:GetParametersByPath",
        "secretsmanager:GetSecretValue",
        "s3:PutObject",
        "s3:DeleteObject",
        "sns:Publish",
    ):
        assert action in text, action
    assert ":parameter/skylocker/env" in text
    assert ":secret:skylocker/cloudfront-private-key-??????" in text


def test_user_data_is_valid_bash(primary_raw, tmp_path):
    script = tmp_path / "user-data.sh"
    script.write_text(user_data(primary_raw))
    result = subprocess.run(
        ["bash", "-n", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert script.read_text().startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in script.read_text()


def test_a_deploy_waits_for_every_new_instance_to_signal_that_it_serves(primary_raw):
    _, group = only(primary_raw, "AWS::AutoScaling::AutoScalingGroup")
    signal = group["CreationPolicy"]["ResourceSignal"]
    assert signal["Count"] == int(group["Properties"]["MinSize"])
    update = group["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert update["WaitOnResourceSignals"] is True
    assert update["MaxBatchSize"] == 1
    assert update["MinInstancesInService"] >= 2
    # The wait must outlast the worst boot, per batch too.
    assert signal["Timeout"] == update["PauseTime"]
    minutes = int(re.fullmatch(r"PT(\d+)M", signal["Timeout"]).group(1))
    assert WORST_BOOT_MINUTES < minutes <= 60


# bootstrap.sh's worst case, as primary_stack.py estimates it (dnf and the offline install about
# 3 minutes, migrations behind another instance's lock about 3, the readiness loop at most 10).
WORST_BOOT_MINUTES = 16


def test_the_health_check_grace_covers_the_worst_boot(primary_raw):
    _, group = only(primary_raw, "AWS::AutoScaling::AutoScalingGroup")
    assert group["Properties"]["HealthCheckGracePeriod"] >= WORST_BOOT_MINUTES * 60
    script = user_data(primary_raw)
    attempts = int(re.search(r"for attempt in \$\(seq 1 (\d+)\)", script).group(1))
    # Each attempt: curl --max-time 5, then sleep 5.
    assert attempts * 10 <= 10 * 60


def test_replacements_and_refreshes_keep_every_server_in_service(primary_raw):
    _, group = only(primary_raw, "AWS::AutoScaling::AutoScalingGroup")
    assert group["Properties"]["InstanceMaintenancePolicy"] == {
        "MinHealthyPercentage": 100,
        "MaxHealthyPercentage": 200,
    }


def test_the_image_is_pinned_by_context_not_looked_up(primary_raw, settings):
    _, template = only(primary_raw, "AWS::EC2::LaunchTemplate")
    assert template["Properties"]["LaunchTemplateData"]["ImageId"] == settings.app_ami
    assert not [p for p in primary_raw.get("Parameters", {}) if "Ami" in p or "ami" in p]


def test_user_data_signals_the_group_failure_on_any_error_success_once_ready(primary_raw, settings):
    group_id, _ = only(primary_raw, "AWS::AutoScaling::AutoScalingGroup")
    script = user_data(primary_raw)
    assert (
        f"aws cloudformation signal-resource --region {settings.primary_region} "
        f'--stack-name "Skylocker-Primary" \\\n    --logical-resource-id "{group_id}"' in script
    )
    # The failure trap is the first command: nothing runs (not even an install) before it.
    body = script.split("set -euo pipefail\n", 1)[1]
    body = re.sub(r"signal\(\) \{.*?\n\}\n", "", body, flags=re.S)
    commands = [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
    assert re.fullmatch(r"trap '[^']*signal 1' ERR", commands[0]), commands[0]
    ready = script.index('curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:8000/readyz"')
    assert script.index("systemctl enable --now skylocker-web.service") < ready
    assert ready < script.index("signal 0")


def test_the_role_may_signal_its_own_stack_only(primary_raw):
    policies = " ".join(
        flatten(p["Properties"]["PolicyDocument"])
        for lid, p in resources(primary_raw, "AWS::IAM::Policy").items()
        if lid.startswith("InstanceRole")
    )
    signal = '"Action": "cloudformation:SignalResource", "Effect": "Allow", '
    assert signal + '"Resource": "${AWS::StackId}"' in policies


def run_boot_tail(primary_raw, tmp_path, *, failing_step=False, curl_exit=0, signal_exit=0):
    """Runs the user data's signal function, its ERR trap and its readiness loop (the steps in
    between install the app as root, so they are left out, or replaced by one failing step),
    with the AWS CLI, curl and sleep replaced by recording stubs."""
    script = user_data(primary_raw)
    head = script[script.index("signal() {") : script.index("\n", script.index("trap '"))]
    tail = script[script.index("for attempt in") :]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    for name, code in (("aws", signal_exit), ("curl", curl_exit), ("sleep", 0)):
        stub = bin_dir / name
        metadata = (
            'case "$*" in *169.254.169.254*) echo i-0stub; exit 0;; esac\n'
            if name == "curl"
            else ""
        )
        stub.write_text(f'#!/bin/sh\n{metadata}echo "{name} $*" >> {calls}\nexit {code}\n')
        stub.chmod(0o755)
    body = "set -euo pipefail\n" + head + "\n" + ("false\n" if failing_step else "") + tail
    result = subprocess.run(
        ["bash", "-c", body],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = calls.read_text().splitlines() if calls.exists() else []
    return result, lines


def signals(calls: list[str]) -> list[str]:
    return [
        re.search(r"--status (\w+)", c).group(1) + " " + re.search(r"--unique-id (\S+)", c).group(1)
        for c in calls
        if c.startswith("aws cloudformation signal-resource")
    ]


def test_a_failing_boot_step_signals_failure_at_once(primary_raw, tmp_path):
    result, calls = run_boot_tail(primary_raw, tmp_path, failing_step=True)
    assert result.returncode != 0
    assert signals(calls) == ["FAILURE i-0stub"]
    assert len(calls) == 1


def test_the_instance_signals_success_once_readyz_answers(primary_raw, tmp_path):
    result, calls = run_boot_tail(primary_raw, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls[0] == "curl -fsS -o /dev/null --max-time 5 http://127.0.0.1:8000/readyz"
    assert signals(calls[1:]) == ["SUCCESS i-0stub"]


def test_an_instance_that_never_gets_ready_signals_failure(primary_raw, tmp_path):
    result, calls = run_boot_tail(primary_raw, tmp_path, curl_exit=22)
    assert result.returncode == 1
    curls = [c for c in calls if c.startswith("curl ")]
    assert 10 <= len(curls) <= 120
    assert signals(calls) == ["FAILURE i-0stub"]


def test_a_refused_signal_does_not_fail_an_instance_launched_outside_a_deploy(
    primary_raw, tmp_path
):
    result, calls = run_boot_tail(primary_raw, tmp_path, signal_exit=1)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no deploy is waiting for this instance" in result.stdout
