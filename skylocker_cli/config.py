"""Where the CLI keeps the server URL and its token: your config folder, readable by you only."""

import json
import os
from pathlib import Path

import click


def config_path() -> Path:
    # click follows XDG_CONFIG_HOME on Linux and the platform's own folder elsewhere.
    return Path(click.get_app_dir("skylocker")) / "config.json"


def load() -> dict:
    """What `skylocker login` saved; {} when there is nothing readable, which is not logged in."""
    try:
        saved = json.loads(config_path().read_text())
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def save(data: dict) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_suffix(".tmp")
    # Created 0600 from the start: the token is never readable by others, not even briefly.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    return path


def forget() -> bool:
    try:
        config_path().unlink()
    except FileNotFoundError:
        return False
    return True
