"""The Procfile's worker survives a real PostgreSQL restart: a task enqueued after the restart is still run.

`db_worker` exits when its database goes away; the Procfile starts it through deploy/run-worker.sh, which starts it
again. The restart happens on a private, throwaway cluster (initdb into a temporary directory, on a free port) so
that the shared server the rest of the suite uses is never touched.
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
AS_ROOT = os.geteuid() == 0


def _postgres_user_exists() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker path is the PostgreSQL deployment's: needs DATABASE_URL=postgres://… (runs in CI)",
    ),
    pytest.mark.skipif(
        not INITDB, reason="no PostgreSQL server binaries (/usr/lib/postgresql/*/bin) for a private cluster"
    ),
    pytest.mark.skipif(
        AS_ROOT and (shutil.which("runuser") is None or not _postgres_user_exists()),
        reason="running as root: initdb refuses root and there is no `postgres` user to run it as (runuser)",
    ),
]


class Cluster:
    """A throwaway PostgreSQL cluster owned by the `postgres` OS user when the tests run as root (initdb refuses
    root), listening on 127.0.0.1 only, on a port nobody else uses, with trust authentication."""

    def __init__(self):
        self.bin = Path(INITDB[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="perfeval-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = _free_port()
        if AS_ROOT:
            shutil.chown(self.dir, user="postgres", group="postgres")

    def run(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if AS_ROOT else []
        subprocess.run(prefix + list(command), check=True, capture_output=True, timeout=timeout, cwd=self.dir)

    def pg_ctl(self, action: str, *options: str) -> None:
        # The server's output goes to the log: on the pipe it would keep `run` waiting for as long as the server lives.
        log = ["-l", str(self.log)] if action in {"start", "restart"} else []
        self.run(str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-w", "-t", "30", *log, *options)

    def init(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        server_options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir}"
        self.pg_ctl("start", "-o", server_options)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        process, _, command = line.partition(":")
        if process.strip() == name:
            return command.strip()
    raise AssertionError(f"no {name!r} process in the Procfile")


@pytest.fixture
def cluster():
    private = Cluster()
    try:
        private.init()
        yield private
    finally:
        private.destroy()


def _environment(database_url: str) -> dict:
    # What a process manager started from the project's virtual environment passes on: `python` is the project's.
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DATABASE_URL": database_url,
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        # As deploy/perfeval.env.example: the worker keeps its connection, which a restart of the server breaks.
        "DB_CONN_MAX_AGE": "60",
        "WORKER_RESTART_DELAY": "0.5",
        "PYTHONUNBUFFERED": "1",
    }


def _enqueue(env: dict) -> str:
    """Enqueue the reminders task (nothing to remind of in an empty database: it returns 0) from a fresh process, as
    a web request would, and return the task's id."""
    code = "from assessments.workflow.reminders import send_reminders_task; print(send_reminders_task.enqueue().id)"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _status(database_url: str, task_id: str) -> tuple[str, object] | None:
    try:
        with psycopg.connect(database_url, connect_timeout=2) as db:
            row = db.execute(
                "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = %s", [task_id]
            ).fetchone()
    except psycopg.OperationalError:
        return None  # the server is still coming up
    return row


def _wait_for(database_url: str, task_id: str, *, timeout: float, worker, log: Path) -> tuple[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(database_url, task_id)
        if status and status[0] in {"SUCCESSFUL", "FAILED"}:
            return status
        assert worker.poll() is None, f"the worker process ended:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)
    pytest.fail(f"task {task_id} not run within {timeout} s (last seen {status}):\n{log.read_text()[-3000:]}")


def test_the_procfile_worker_runs_tasks_after_postgresql_restarts(cluster, tmp_path):
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as db:
        db.execute("CREATE DATABASE perfeval")
    env = _environment(cluster.url("perfeval"))
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert migrated.returncode == 0, migrated.stderr.decode()[-3000:]

    log = tmp_path / "worker.log"
    # Exactly what honcho runs for the `worker:` line: `sh -c <command>`, in its own process group for the clean-up.
    worker = subprocess.Popen(
        ["sh", "-c", _procfile_command("worker")],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        before = _enqueue(env)
        assert _wait_for(cluster.url("perfeval"), before, timeout=30, worker=worker, log=log) == ("SUCCESSFUL", 0)

        cluster.pg_ctl("restart", "-m", "fast")

        after = _enqueue(env)
        assert _wait_for(cluster.url("perfeval"), after, timeout=30, worker=worker, log=log) == ("SUCCESSFUL", 0)
        # db_worker itself did die on the lost connection and the script started it again.
        assert "db_worker exited with status 1; starting again" in log.read_text()
    finally:
        _stop(worker)


def _stop(worker: subprocess.Popen) -> None:
    """End the script and the db_worker it started (both in the worker's own process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue
