"""Private service processes for outage tests: a redis-server a test may stop, pause, restart.

The server runs on a free port in a temporary directory with no automatic persistence
(``--save "" --appendonly no``); :meth:`PrivateRedis.stop` shuts it down with an explicit
``SAVE``, so a restart in the same directory finds every key written before the outage, as
a production Redis with persistence would. Stopped and signalled by PID only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
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
