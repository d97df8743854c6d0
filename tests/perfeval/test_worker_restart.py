"""The Procfile's worker: `db_worker` exits when it loses PostgreSQL; deploy/run-worker.sh starts it again."""

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_worker_script_starts_db_worker_again_after_it_exits(tmp_path):
    calls = tmp_path / "calls"
    fake = tmp_path / "python"
    # Stands in for `python manage.py db_worker`: records its arguments and exits at once, as on a lost database.
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexit 1\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "WORKER_RESTART_DELAY": "0.1"}
    process = subprocess.Popen(
        ["sh", str(ROOT / "deploy" / "run-worker.sh"), "--queue-name", "default"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (not calls.exists() or len(calls.read_text().splitlines()) < 3):
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=10)
    started = calls.read_text().splitlines()
    assert len(started) >= 3
    assert started[0] == "manage.py db_worker --no-reload --queue-name default"


def test_the_procfile_runs_the_worker_through_the_script():
    procfile = (ROOT / "Procfile").read_text()
    assert "worker: sh deploy/run-worker.sh" in procfile
