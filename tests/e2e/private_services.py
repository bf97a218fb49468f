"""Private service processes for outage tests: a redis-server and a PostgreSQL to restart.

The Redis server runs on a free port in a temporary directory with no automatic persistence
(``--save "" --appendonly no``); :meth:`PrivateRedis.stop` shuts it down with an explicit
``SAVE``, so a restart in the same directory finds every key written before the outage, as
a production Redis with persistence would. Stopped and signalled by PID only.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis

from tests.e2e.conftest import HOST, free_port


class PrivateRedis:
    """A redis-server process on a free port, in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.directory = directory
        self.log = directory / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers (it loads ``dump.rdb`` if present)."""
        binary = shutil.which("redis-server")
        if binary is None:
            message = "REDIS OUTAGE TESTS DID NOT RUN: no redis-server binary on PATH."
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        command = [binary, "--port", str(self.port), "--bind", HOST, "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.directory)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"redis-server did not start:\n{self.log.read_text()}")
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        """Save the data set, then stop the server (SIGTERM to its PID)."""
        if self.process is None:
            return
        with redis.Redis.from_url(self.url) as client:
            client.save()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections open, but nothing answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Thaw a paused server (SIGCONT)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


class PrivatePostgres:
    """A PostgreSQL cluster made by ``initdb`` in a temporary directory, on a free port.

    The directory is made with :func:`tempfile.mkdtemp` (pytest's temporary folders sit
    under a parent the ``postgres`` user cannot enter) and removed by :meth:`remove`.

    PostgreSQL refuses to run as root: as root, the cluster belongs to the ``postgres``
    user and every command runs through ``runuser -u postgres``. Without the binaries (in
    ``/usr/lib/postgresql/*/bin``) the test skips loudly, or fails when ``CI=true``.
    """

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found or (os.geteuid() == 0 and shutil.which("runuser") is None):
            message = "POSTGRESQL OUTAGE TESTS DID NOT RUN: no pg_ctl (or no runuser as root)."
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        self.bin = Path(found[-1]).parent
        self.directory = directory = Path(tempfile.mkdtemp(prefix="cupola-postgres-"))
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@{HOST}:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            pytest.fail(f"{tool} failed:\n{result.stdout}\n{result.stderr}")

    def _pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses={HOST} -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-m",
            "fast",
            "-o",
            options,
            action,
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._pg_ctl("start")

    def stop(self) -> None:
        """Stop the server (fast: open transactions are rolled back, connections closed)."""
        self._pg_ctl("stop")

    def restart(self) -> None:
        """Stop and start again, as a failover or an upgrade does."""
        self._pg_ctl("restart")

    def remove(self) -> None:
        """Delete the cluster's directory (the server must be stopped)."""
        shutil.rmtree(self.directory, ignore_errors=True)
