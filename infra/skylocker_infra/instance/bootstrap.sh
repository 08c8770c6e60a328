# Skylocker instance bootstrap (Amazon Linux 2023). The stack fills in the @NAME@ values.
set -euo pipefail
# CloudFormation waits for each new instance (the group's CreationPolicy and rolling updates):
# a failure signal as soon as any step fails, success only once the app answers /readyz. With
# no signal at all the deploy fails at the group's timeout. An instance launched later by
# scaling or a replacement has no deploy waiting for it: its signal is refused, and ignored.
# The trap comes first, before any command that can fail; the signal goes through the AWS CLI
# that the image ships, so nothing has to be installed to report a failure.
signal() {
  local status=FAILURE token instance
  [ "$1" = 0 ] && status=SUCCESS
  token=$(curl -fsS -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token) || true
  instance=$(curl -fsS -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id) || instance=unknown
  aws cloudformation signal-resource --region @REGION@ --stack-name "@STACK@" \
    --logical-resource-id "@SIGNAL_RESOURCE@" --unique-id "$instance" --status "$status" \
    || echo "cfn-signal -e $1 not accepted (no deploy is waiting for this instance)"
}
trap 'echo "Skylocker bootstrap failed at line $LINENO"; signal 1' ERR
mkdir -p /var/log/skylocker
exec > >(tee -a /var/log/skylocker/bootstrap.log) 2>&1
echo "Skylocker bootstrap starts: $(date -u +%FT%TZ)"

# Amazon Linux's own repository, locked to the pinned image's release (no package index).
dnf install -y python3.11 file-libs amazon-cloudwatch-agent logrotate
cat > /opt/aws/amazon-cloudwatch-agent/etc/skylocker.json <<'SKYLOCKER_EOF'
@AGENT_CONFIG@
SKYLOCKER_EOF
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/skylocker.json
cat > /etc/logrotate.d/skylocker <<'SKYLOCKER_EOF'
/var/log/skylocker/*.log {
  daily
  rotate 3
  missingok
  copytruncate
  compress
}
SKYLOCKER_EOF

getent group skylocker >/dev/null || groupadd --system skylocker
id skylocker >/dev/null 2>&1 || useradd --system --gid skylocker --home-dir /var/lib/skylocker --shell /sbin/nologin skylocker
install -d -m 0750 -o skylocker -g skylocker /var/lib/skylocker
install -d -m 0750 -o root -g skylocker /etc/skylocker
install -d -m 0755 /opt/skylocker/bin /opt/skylocker/dist

# The app and every dependency as wheels (one asset made at synthesis from
# requirements-app.lock), installed offline: no package index, each wheel checked by its hash.
aws s3 cp --region @REGION@ "@WHEELHOUSE_URL@" /opt/skylocker/dist/wheelhouse.zip
aws s3 cp --region @REGION@ "@DB_CA_URL@" /opt/skylocker/dist/rds-ca-bundle.pem
python3.11 -m zipfile -e /opt/skylocker/dist/wheelhouse.zip /opt/skylocker/dist/wheelhouse
python3.11 -m venv /opt/skylocker/venv
/opt/skylocker/venv/bin/pip install --quiet --disable-pip-version-check --no-index --require-hashes --find-links /opt/skylocker/dist/wheelhouse -r /opt/skylocker/dist/wheelhouse/requirements.txt

cat > /opt/skylocker/bin/configure.py <<'SKYLOCKER_EOF'
@CONFIGURE_PY@
SKYLOCKER_EOF
cat > /etc/systemd/system/skylocker-config.service <<'SKYLOCKER_EOF'
@CONFIG_UNIT@
SKYLOCKER_EOF
cat > /etc/systemd/system/skylocker-migrate.service <<'SKYLOCKER_EOF'
@MIGRATE_UNIT@
SKYLOCKER_EOF
cat > /etc/systemd/system/skylocker-web.service <<'SKYLOCKER_EOF'
@WEB_UNIT@
SKYLOCKER_EOF
cat > /etc/systemd/system/skylocker-worker.service <<'SKYLOCKER_EOF'
@WORKER_UNIT@
SKYLOCKER_EOF
cat > /etc/systemd/system/skylocker-metrics.service <<'SKYLOCKER_EOF'
@METRICS_UNIT@
SKYLOCKER_EOF
cat > /etc/systemd/system/skylocker-metrics.timer <<'SKYLOCKER_EOF'
@METRICS_TIMER@
SKYLOCKER_EOF

systemctl daemon-reload
# The web and the worker pull in the configuration and the migrations (one instance at a time
# migrates: migrate_with_lock holds a database lock, the others wait and find nothing to do).
systemctl enable --now skylocker-web.service skylocker-worker.service skylocker-metrics.timer

# Ready means the web server answers and reaches the database and the bucket.
for attempt in $(seq 1 @READY_ATTEMPTS@); do
  if curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:@PORT@/readyz"; then
    echo "Skylocker answers /readyz (attempt $attempt): $(date -u +%FT%TZ)"
    signal 0
    exit 0
  fi
  sleep 5
done
echo "Skylocker never answered /readyz with 200: see journalctl -u skylocker-web -u skylocker-migrate"
signal 1
exit 1
