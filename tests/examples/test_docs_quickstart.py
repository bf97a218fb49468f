"""docs/quickstart.md: the files run as the page says, from a folder of their own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

QUICKSTART = Path(__file__).resolve().parents[2] / "docs" / "examples" / "quickstart"
CUPOLA = str(Path(sys.executable).with_name("cupola"))
SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_the_testing_example_runs_under_pytest_as_test_hello(tmp_path: Path) -> None:
    shutil.copy(QUICKSTART / "testing.py", tmp_path / "test_hello.py")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_hello_py_is_served_by_cupola_run_as_the_page_says(tmp_path: Path) -> None:
    shutil.copy(QUICKSTART / "minimal.py", tmp_path / "hello.py")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [CUPOLA, "run", "--app", "hello:app", "--port", str(port), "--no-reload"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.text == "<p>Hello, world!</p>"
    finally:
        process.terminate()
        process.wait(timeout=10)
