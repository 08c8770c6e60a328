"""Writes requirements.txt of a wheelhouse: every wheel in it, pinned, with its sha256.

  python scripts/wheelhouse.py build/wheelhouse ../requirements-app.lock

The instances install from the folder alone (pip --no-index --require-hashes): a wheel that was
changed after synthesis, or a pin of the lock without its wheel, fails the boot at once.
"""

import hashlib
import re
import sys
from pathlib import Path


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, str]:
    found = {}
    for line in lock.read_text().splitlines():
        line = line.split("#")[0].split(";")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            found[canonical(name)] = version.strip()
    return found


def main(wheelhouse: Path, lock: Path) -> None:
    wanted = pins(lock)
    lines = []
    seen = {}
    for wheel in sorted(wheelhouse.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        seen[canonical(name)] = version
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        lines.append(f"{canonical(name)}=={version} --hash=sha256:{digest}")
    missing = {n: v for n, v in wanted.items() if seen.get(n) != v}
    if missing:
        sys.exit(f"the wheelhouse lacks these pins of {lock}: {missing}")
    extra = set(seen) - set(wanted) - {"skylocker"}
    if extra:
        sys.exit(f"the wheelhouse holds wheels that {lock} does not pin: {sorted(extra)}")
    (wheelhouse / "requirements.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
