"""What the web-server benchmarks share: a seeded Skylocker, served by the server to measure.

`--server skylocker` is what `make run` serves (python -m skylocker.serve); `--server gunicorn`
is the server Skylocker had before, for comparison, if gunicorn is installed in .venv
(`.venv/bin/pip install gunicorn`): 2 workers × 4 threads, as bin/serve ran it.
"""

import os
import signal
import statistics
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak import PYTHON, ROOT, fresh_install, manage, wait_until_ready  # noqa: E402

# alice with an API token and `files` rows (no objects: the list reads rows only).
SEED = """
import uuid
from datetime import timedelta
from django.contrib.auth.models import User
from django.utils import timezone
from api.models import ApiToken
from locker.models import StoredFile
alice = User.objects.create_user("alice", password=None)
now = timezone.now()
StoredFile.objects.bulk_create(
    StoredFile(owner=alice, file=f"u/{{alice.pk}}/{{uuid.uuid4()}}", name=f"report-{{i}}.pdf",
               size=1000 + i, sha256="0" * 64, content_type="application/pdf",
               created_at=now - timedelta(minutes=i), updated_at=now - timedelta(minutes=i))
    for i in range({files})
)
print(ApiToken.issue(alice)[1])
"""


def seeded_site(name: str, *, files: int, database_url: str = "", **settings):
    """A migrated Skylocker with alice's token and `files` rows: (data, port, env, token)."""
    extra = {"DATABASE_URL": database_url} if database_url else {}
    if database_url.startswith("postgres"):
        recreate_postgres_database(database_url)
    data, port, env = fresh_install(name, **extra, **settings)
    token = manage(env, "shell", "-c", SEED.format(files=files)).strip().splitlines()[-1]
    return data, port, env, token


def recreate_postgres_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def server_command(kind: str, port: int, workers: int) -> list[str]:
    if kind == "gunicorn":
        return [str(ROOT / ".venv" / "bin" / "gunicorn"), "skylocker.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "4",
                "--timeout", "120"]  # fmt: skip
    return [PYTHON, "-m", "skylocker.serve", "--port", str(port), "--workers", str(workers)]


@contextmanager
def served(kind: str, data: Path, port: int, env: dict, workers: int = 2):
    """The base URL while `kind` serves the site; the server is stopped afterwards."""
    log = (data / f"{kind}.log").open("w")
    server = subprocess.Popen(
        server_command(kind, port, workers), cwd=ROOT, env=env, start_new_session=True,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, server)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def need_wrk() -> None:
    """Stop with the way to get wrk, rather than a FileNotFoundError halfway through."""
    import shutil

    if shutil.which("wrk") is None:
        raise SystemExit("this bench drives wrk: apt-get install -y wrk")


def cores() -> int:
    return os.cpu_count() or 1


__all__ = ["PYTHON", "ROOT", "cores", "manage", "percentile", "seeded_site", "served"]
