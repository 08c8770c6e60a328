"""bench/listing.py still builds a locker and measures every list after the models change.

It inserts rows through the driver, past the models, so a new NOT NULL column breaks it
silently until someone runs it. This runs it for real, small, on its own SQLite database (the
script always builds its own, whatever database the suite runs on).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_listing_bench_builds_a_small_locker_and_prints_every_list(tmp_path):
    done = subprocess.run(
        [sys.executable, "bench/listing.py", "--sizes", "120", "240", "--repeat", "1",
         "--cache", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    labels = [row.split(" | ")[0].removeprefix("| ") for row in rows[1:]]
    assert "page all: middle page" in labels
    assert "page mine: first" in labels
    assert "API all: search" in labels
    assert len(labels) == len(set(labels)) == 38
    for row in rows[1:]:
        cells = row.strip("| ").split(" | ")
        assert len(cells) == 5  # label, two sizes, their ratio, within the target
        assert cells[1].endswith(")") and cells[2].endswith(")")  # "ms (queries)"
