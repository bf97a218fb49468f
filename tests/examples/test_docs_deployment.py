"""docs/deployment.md: the bookshop passes the deployment checks, and the systemd unit and
the container run ``cupola serve`` with options it accepts, as a real process on Redis."""

from __future__ import annotations

import configparser
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis

from cupola.cli.serve import serve_command

DEPLOYMENT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "deployment"
CUPOLA = str(Path(sys.executable).with_name("cupola"))
KEY = "a-production-key-" + "k" * 32


def unit_command() -> list[str]:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read_string((DEPLOYMENT / "bookshop.service").read_text())
    return shlex.split(unit["Service"]["ExecStart"])


def container_command() -> list[str]:
    [line] = [
        line
        for line in (DEPLOYMENT / "Dockerfile").read_text().splitlines()
        if line.startswith("CMD")
    ]
    command: list[str] = json.loads(line.removeprefix("CMD "))
    return command


def check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CUPOLA, "check", "--deploy", "--workers", "4", "--app", "bookshop:app"],
        cwd=DEPLOYMENT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_bookshop_passes_the_deployment_checks() -> None:
    result = check({"BOOKSHOP_SECRET_KEY": KEY})
    assert result.returncode == 0, result.stderr
    assert result.stderr == "System check found no issues.\n"


def test_without_its_key_the_bookshop_does_not_pass() -> None:
    env = {name: value for name, value in os.environ.items() if name != "BOOKSHOP_SECRET_KEY"}
    result = subprocess.run(
        [CUPOLA, "check", "--deploy", "--app", "bookshop:app"],
        cwd=DEPLOYMENT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "cupola.E002 (error): SECRET_KEY is not set." in result.stderr


@pytest.mark.parametrize("command", [unit_command(), container_command()], ids=["unit", "image"])
def test_the_documented_commands_are_valid(command: list[str]) -> None:
    assert Path(command[0]).name == "cupola" and command[1] == "serve"
    context = serve_command.make_context("serve", command[2:])
    assert context.params["app_spec"] == "bookshop:app"
    assert context.params["access_log"] and context.params["access_log_format"] == "json"


def test_the_unit_serves_the_bookshop_behind_the_proxy(redis_url: str, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = unit_command()
    command[0] = CUPOLA
    where = command.index("--bind") + 1
    command[where] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "2"
    env = {**os.environ, "BOOKSHOP_SECRET_KEY": KEY, "BOOKSHOP_REDIS_URL": redis_url}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=DEPLOYMENT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    via_nginx = {"Host": "books.example.com", "X-Forwarded-Proto": "https"}
    sid = ""
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", headers=via_nginx)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        assert "<p>Visit number 1.</p>" in home.text
        cookie = home.headers["set-cookie"]
        assert "; Secure" in cookie
        sid = cookie.partition(";")[0].partition("=")[2].rpartition(".")[0]
        plain = httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": "books.example.com"})
        assert plain.status_code == 301  # not through HTTPS
    finally:
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=40)
        with redis.Redis.from_url(redis_url) as server:
            server.delete("cupola:session:" + sid)
    assert status == 0, log.read_text()
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert [(e["path"], e["status"]) for e in entries][-2:] == [("/", 200), ("/", 301)]
