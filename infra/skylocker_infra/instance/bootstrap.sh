# Skylocker instance bootstrap (Amazon Linux 2023). The stack fills in the @NAME@ values.
set -euo pipefail
exec > >(tee -a /var/log/skylocker-bootstrap.log) 2>&1

# CloudFormation waits for each new instance (the group's CreationPolicy and rolling updates):
# a failure signal as soon as any step fails, success only once the app answers /readyz. With
# no signal at all the deploy fails at the group's timeout. An instance launched later by
# scaling or a replacement has no deploy waiting for it: its signal is refused, and ignored.
dnf install -y aws-cfn-bootstrap
signal() {
  /opt/aws/bin/cfn-signal -e "$1" --stack "@STACK@" --resource "@SIGNAL_RESOURCE@" --region @REGION@ \
    || echo "cfn-signal -e $1 not accepted (no deploy is waiting for this instance)"
}
trap 'echo "Skylocker bootstrap failed at line $LINENO"; signal 1' ERR

dnf install -y python3.11 python3.11-pip file-libs
getent group skylocker >/dev/null || groupadd --system skylocker
id skylocker >/dev/null 2>&1 || useradd --system --gid skylocker --home-dir /var/lib/skylocker --shell /sbin/nologin skylocker
install -d -m 0750 -o skylocker -g skylocker /var/lib/skylocker
install -d -m 0750 -o root -g skylocker /etc/skylocker
install -d -m 0755 /opt/skylocker/bin /opt/skylocker/dist

# The app: the wheel built from the repository and its pinned runtime dependencies
# (requirements-app.lock: no test tools), both CDK assets.
aws s3 cp --region @REGION@ "@WHEEL_URL@" "/opt/skylocker/dist/@WHEEL_NAME@"
aws s3 cp --region @REGION@ "@LOCK_URL@" /opt/skylocker/dist/requirements-app.lock
python3.11 -m venv /opt/skylocker/venv
/opt/skylocker/venv/bin/pip install --quiet --disable-pip-version-check -r /opt/skylocker/dist/requirements-app.lock
/opt/skylocker/venv/bin/pip install --quiet --disable-pip-version-check --no-deps "/opt/skylocker/dist/@WHEEL_NAME@"

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

systemctl daemon-reload
# The web and the worker pull in the configuration and the migrations (one instance at a time
# migrates: migrate_with_lock holds a database lock, the others wait and find nothing to do).
systemctl enable --now skylocker-web.service skylocker-worker.service

# Ready means gunicorn answers and reaches the database and the bucket.
for attempt in $(seq 1 @READY_ATTEMPTS@); do
  if curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:@PORT@/readyz"; then
    echo "Skylocker answers /readyz (attempt $attempt)"
    signal 0
    exit 0
  fi
  sleep 5
done
echo "Skylocker never answered /readyz with 200: see journalctl -u skylocker-web -u skylocker-migrate"
signal 1
exit 1
