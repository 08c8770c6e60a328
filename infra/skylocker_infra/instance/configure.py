"""Writes Skylocker's environment on an instance from Parameter Store and Secrets Manager.

Run by skylocker-config.service (as root, with the app's virtualenv, which has boto3) before the
web server, the worker and the migrations start. Credentials come from the instance role.

  configure.py REGION DATABASE_SECRET_ID SECRET_KEY_SECRET_ID CLOUDFRONT_KEY_SECRET_ID DATABASE_NAME

- every parameter under /skylocker/env/ becomes a variable of the same name (SecureString too,
  so an operator can add EMAIL_URL as a SecureString without a redeploy);
- DATABASE_URL is built from the RDS secret (user, password, host, port, and its database name
  if it has one: the secret RDS generates for an instance does not, so DATABASE_NAME, the name
  the stack creates the database with, is used);
- the Django secret key and the CloudFront private key are written to files readable by the
  skylocker group only, and named by SECRET_KEY_FILE and SKYLOCKER_CLOUDFRONT_PRIVATE_KEY_FILE.
"""

import grp
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

import boto3

ETC = Path("/etc/skylocker")
PARAMETER_PATH = "/skylocker/env/"


def write_private(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chown(tmp, 0, grp.getgrnam("skylocker").gr_gid)
    os.replace(tmp, path)


def main(
    region: str,
    database_secret: str,
    secret_key_secret: str,
    cloudfront_key_secret: str,
    database_name: str,
) -> None:
    ssm = boto3.client("ssm", region_name=region)
    secrets = boto3.client("secretsmanager", region_name=region)

    env = {}
    for page in ssm.get_paginator("get_parameters_by_path").paginate(
        Path=PARAMETER_PATH, WithDecryption=True
    ):
        for parameter in page["Parameters"]:
            env[parameter["Name"][len(PARAMETER_PATH) :]] = parameter["Value"]

    db = json.loads(secrets.get_secret_value(SecretId=database_secret)["SecretString"])
    env["DATABASE_URL"] = "mysql://{}:{}@{}:{}/{}".format(
        quote(db["username"], safe=""),
        quote(db["password"], safe=""),
        db["host"],
        db["port"],
        db.get("dbname") or database_name,
    )

    secret_key_file = ETC / "secret-key"
    write_private(
        secret_key_file, secrets.get_secret_value(SecretId=secret_key_secret)["SecretString"]
    )
    env["SECRET_KEY_FILE"] = str(secret_key_file)

    private_key_file = ETC / "cloudfront-private-key.pem"
    write_private(
        private_key_file, secrets.get_secret_value(SecretId=cloudfront_key_secret)["SecretString"]
    )
    env["SKYLOCKER_CLOUDFRONT_PRIVATE_KEY_FILE"] = str(private_key_file)

    # systemd EnvironmentFile syntax: one NAME="value" a line, with \ and " escaped.
    lines = []
    for name, value in sorted(env.items()):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        lines.append(f'{name}="{escaped}"\n')
    write_private(ETC / "env", "".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
