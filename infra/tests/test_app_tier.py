"""App tier: ASG behind an HTTPS load balancer, IMDSv2, its own role, the app from this repo."""

import re
import subprocess
import tomllib

from aws_cdk.assertions import Match
from conftest import INFRA_DIR, flatten, only, resources

REPO = INFRA_DIR.parent


def user_data(primary_raw) -> str:
    _, template = only(primary_raw, "AWS::EC2::LaunchTemplate")
    return flatten(template["Properties"]["LaunchTemplateData"]["UserData"])


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


def test_user_data_installs_the_wheel_and_runs_web_worker_and_migrations_under_systemd(
    primary_raw, settings
):
    script = user_data(primary_raw)
    assert "python3.11 -m venv /opt/skylocker/venv" in script
    assert (
        "pip install --quiet --disable-pip-version-check "
        "-r /opt/skylocker/dist/requirements-app.lock" in script
    )
    assert f'--no-deps "/opt/skylocker/dist/{settings.wheel.name}"' in script
    assert "skylocker.serve --host ${HOST} --port ${PORT} --workers ${WEB_CONCURRENCY}" in script
    assert "ExecStart=/opt/skylocker/venv/bin/skylocker-manage run_worker" in script
    assert "ExecStartPre=/opt/skylocker/venv/bin/skylocker-manage clear_upload_temp" in script
    assert "ExecStart=/opt/skylocker/venv/bin/skylocker-manage migrate_with_lock" in script
    assert "ExecStart=/opt/skylocker/venv/bin/skylocker-manage collectstatic --noinput" in script
    assert "systemctl enable --now skylocker-web.service skylocker-worker.service" in script
    # The web server and the worker start only after the (locked) migrations, which follow the
    # configuration step.
    for unit in ("web", "worker"):
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


def test_user_data_downloads_the_wheel_and_the_lock_file_assets(primary_raw, outdir, settings):
    script = user_data(primary_raw)
    urls = re.findall(r'aws s3 cp --region \S+ "?(s3://[^"\s]+)"?', script)
    assert len(urls) == 2
    assets = {p.name for p in outdir.iterdir() if p.name.startswith("asset.")}
    hashes = {url.rsplit("/", 1)[1] for url in urls}
    assert {f"asset.{h}" for h in hashes} <= assets
    assert any(h.endswith(".whl") for h in hashes) and any(h.endswith(".lock") for h in hashes)
    wheel_asset = next(outdir / f"asset.{h}" for h in hashes if h.endswith(".whl"))
    assert wheel_asset.read_bytes() == settings.wheel.read_bytes()
    lock_asset = next(outdir / f"asset.{h}" for h in hashes if h.endswith(".lock"))
    assert lock_asset.read_bytes() == (REPO / "requirements-app.lock").read_bytes()


def pins(path) -> dict[str, str]:
    """name -> version of every `name==version` line of a pip-compile lock file."""
    found = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split(";")[0].strip().split("==")
            found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found


def test_instances_install_the_app_alone_with_the_pins_of_requirements_lock(primary_raw, outdir):
    script = user_data(primary_raw)
    url = re.search(r'aws s3 cp --region \S+ "(s3://[^"]+\.lock)"', script).group(1)
    shipped = outdir / f"asset.{url.rsplit('/', 1)[1]}"
    app, full = pins(shipped), pins(REPO / "requirements.lock")
    assert {"django", "uvicorn", "httptools", "uvloop", "boto3", "pymysql"} <= set(app)
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
    # pip on an instance reads only PyPI: no index or wheel folder of this machine.
    options = [
        line
        for line in shipped.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#") and "==" not in line
    ]
    assert options == []


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
    # Installing the dependencies takes 5-8 minutes: the wait must outlast it, per batch too.
    assert signal["Timeout"] == update["PauseTime"]
    minutes = int(re.fullmatch(r"PT(\d+)M", signal["Timeout"]).group(1))
    assert 15 <= minutes <= 60


def test_user_data_signals_the_group_failure_on_any_error_success_once_ready(primary_raw, settings):
    group_id, _ = only(primary_raw, "AWS::AutoScaling::AutoScalingGroup")
    script = user_data(primary_raw)
    assert (
        f'/opt/aws/bin/cfn-signal -e "$1" --stack "Skylocker-Primary" --resource "{group_id}" '
        f"--region {settings.primary_region}" in script
    )
    # cfn-signal is installed and the failure trap set before the first step that can fail.
    assert script.index("dnf install -y aws-cfn-bootstrap") < script.index("trap '")
    assert script.index("trap '") < script.index("dnf install -y python3.11")
    assert re.search(r"trap '[^']*signal 1' ERR", script)
    ready = script.index('curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:8000/readyz"')
    assert script.index("systemctl enable --now skylocker-web.service") < ready
    assert ready < script.index("signal 0")


def run_boot_tail(primary_raw, tmp_path, *, failing_step=False, curl_exit=0, signal_exit=0):
    """Runs the user data's signal function, its ERR trap and its readiness loop (the steps in
    between install the app as root, so they are left out, or replaced by one failing step),
    with cfn-signal, curl and sleep replaced by recording stubs."""
    script = user_data(primary_raw)
    head = script[script.index("signal() {") : script.index("\n", script.index("trap '"))]
    tail = script[script.index("for attempt in") :]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    for name, code in (("cfn-signal", signal_exit), ("curl", curl_exit), ("sleep", 0)):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> {calls}\nexit {code}\n')
        stub.chmod(0o755)
    body = "set -euo pipefail\n" + head + "\n" + ("false\n" if failing_step else "") + tail
    body = body.replace("/opt/aws/bin/cfn-signal", str(bin_dir / "cfn-signal"))
    result = subprocess.run(
        ["bash", "-c", body],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = calls.read_text().splitlines() if calls.exists() else []
    return result, lines


def test_a_failing_boot_step_signals_failure_at_once(primary_raw, tmp_path):
    result, calls = run_boot_tail(primary_raw, tmp_path, failing_step=True)
    assert result.returncode != 0
    assert [c.split(" --stack")[0] for c in calls] == ["cfn-signal -e 1"]


def test_the_instance_signals_success_once_readyz_answers(primary_raw, tmp_path):
    result, calls = run_boot_tail(primary_raw, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls[0] == "curl -fsS -o /dev/null --max-time 5 http://127.0.0.1:8000/readyz"
    assert [c.split(" --stack")[0] for c in calls[1:]] == ["cfn-signal -e 0"]


def test_an_instance_that_never_gets_ready_signals_failure(primary_raw, tmp_path):
    result, calls = run_boot_tail(primary_raw, tmp_path, curl_exit=22)
    assert result.returncode == 1
    curls = [c for c in calls if c.startswith("curl ")]
    assert 10 <= len(curls) <= 120
    assert [c.split(" --stack")[0] for c in calls if c.startswith("cfn-signal")] == [
        "cfn-signal -e 1"
    ]


def test_a_refused_signal_does_not_fail_an_instance_launched_outside_a_deploy(
    primary_raw, tmp_path
):
    result, calls = run_boot_tail(primary_raw, tmp_path, signal_exit=1)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no deploy is waiting for this instance" in result.stdout
