"""cupola.checks: each finding, with its id, the setting it names and its hint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola
from cupola.checks import Finding, has_errors, run_checks
from cupola.db import Database, migrations

GOOD: dict[str, Any] = {
    "SECRET_KEY": "s" * 32,
    "ALLOWED_HOSTS": ["example.com"],
    "SESSION_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 3600,
}


def make_app(**config: Any) -> Cupola:
    app = Cupola("checked", config={**GOOD, **config}, static_folder=None)

    @app.get("/")
    def index() -> str:
        return "ok"

    return app


def ids(findings: list[Finding]) -> list[str]:
    return [finding.id for finding in findings]


def test_a_good_deployment_has_no_findings() -> None:
    assert run_checks(make_app(), deploy=True, workers=1) == []


def test_without_deploy_only_the_basic_checks_run() -> None:
    assert run_checks(make_app(DEBUG=True, SECRET_KEY=None)) == []


@pytest.mark.parametrize(
    ("config", "expected", "setting"),
    [
        ({"DEBUG": True}, "cupola.E001", "DEBUG"),
        ({"SECRET_KEY": None}, "cupola.E002", "SECRET_KEY"),
        ({"SECRET_KEY": "s" * 31}, "cupola.E003", "SECRET_KEY"),
        ({"ALLOWED_HOSTS": []}, "cupola.E004", "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": None}, "cupola.E004", "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ["example.com", "*"]}, "cupola.E005", "ALLOWED_HOSTS"),
    ],
)
def test_deployment_errors(config: dict[str, Any], expected: str, setting: str) -> None:
    findings = run_checks(make_app(**config), deploy=True)
    assert ids(findings) == [expected]
    [finding] = findings
    assert finding.level == "error" and has_errors(findings)
    assert setting in finding.message
    assert str(finding) == f"{expected} (error): {finding.message}\n    hint: {finding.hint}"


def test_allow_debug_turns_the_debug_error_into_a_warning() -> None:
    findings = run_checks(make_app(DEBUG=True), deploy=True, allow_debug=True)
    assert ids(findings) == ["cupola.W010"]
    assert not has_errors(findings)
    assert "DEBUG" in findings[0].message


@pytest.mark.parametrize(
    ("config", "expected", "setting"),
    [
        ({"SESSION_COOKIE_SECURE": False}, "cupola.W001", "SESSION_COOKIE_SECURE"),
        ({"SECURE_HSTS_SECONDS": 0}, "cupola.W002", "SECURE_HSTS_SECONDS"),
    ],
)
def test_https_warnings(config: dict[str, Any], expected: str, setting: str) -> None:
    findings = run_checks(make_app(**config), deploy=True)
    assert ids(findings) == [expected]
    assert findings[0].level == "warning" and not has_errors(findings)
    assert setting in findings[0].message
    assert findings[0].hint


def test_a_trusted_proxy_means_https_is_seen() -> None:
    app = make_app(SESSION_COOKIE_SECURE=False, TRUSTED_PROXIES=["10.0.0.1"])
    assert run_checks(app, deploy=True) == []


def test_in_memory_state_with_several_workers() -> None:
    app = make_app(SESSION_BACKEND="memory://", CACHE_URL="memory://", CHANNEL_LAYER="memory://")

    @app.websocket("/ws")
    async def ws(socket: Any) -> None:
        await socket.accept()

    assert run_checks(app, deploy=True, workers=1) == []
    findings = run_checks(app, deploy=True, workers=4)
    by_id = {finding.id: finding.message for finding in findings}
    assert list(by_id) == ["cupola.W005", "cupola.W006", "cupola.W007", "cupola.W008"]
    assert "SESSION_BACKEND" in by_id["cupola.W005"]
    assert "CACHE_URL" in by_id["cupola.W006"]
    assert "Throttles" in by_id["cupola.W007"] and "CACHE_URL" in by_id["cupola.W007"]
    assert "CHANNEL_LAYER" in by_id["cupola.W008"]
    assert all("4 workers" in message for message in by_id.values())


def test_shared_state_on_redis_is_fine_with_several_workers() -> None:
    redis = "redis://127.0.0.1:6379/0"
    app = make_app(SESSION_BACKEND=redis, CACHE_URL=redis, CHANNEL_LAYER=redis)
    assert run_checks(app, deploy=True, workers=4) == []


def test_the_channel_layer_matters_only_with_websocket_routes() -> None:
    assert "cupola.W008" not in ids(run_checks(make_app(CACHE_URL="x"), deploy=True, workers=2))


def test_sqlite_with_several_workers(tmp_path: Path) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}")
    Database(app)
    assert run_checks(app, deploy=True, workers=1) == []
    findings = run_checks(app, deploy=True, workers=3)
    assert ids(findings) == ["cupola.W004", "cupola.W006", "cupola.W007"]  # CACHE_URL too
    assert "DATABASE_URL" in findings[0].message and "3 workers" in findings[0].message


def test_unapplied_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}")
    db = Database(app)
    migrations.init()
    revision = tmp_path / "migrations" / "versions" / "0001_first.py"
    revision.write_text(
        'revision = "0001"\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n'
        "def upgrade():\n    pass\ndef downgrade():\n    pass\n"
    )
    [finding] = run_checks(app)
    assert finding.id == "cupola.W003"
    assert "1 migration(s)" in finding.message and "0001" in finding.message
    assert "cupola db upgrade" in finding.hint
    with app.app_context():
        migrations.upgrade(db, "head")
    assert run_checks(app) == []


def test_a_database_that_does_not_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}")
    Database(app)
    migrations.init()
    [finding] = run_checks(app)
    assert finding.id == "cupola.W003"
    assert "Could not tell" in finding.message and "DATABASE_URL" in finding.hint


def test_an_app_that_cannot_be_built() -> None:
    app = make_app(MIDDLEWARE=["no_such_module.Middleware"])
    [finding] = run_checks(app)
    assert finding.id == "cupola.E010" and finding.level == "error"
    assert "no_such_module" in finding.message


def test_errors_come_before_warnings() -> None:
    findings = run_checks(make_app(DEBUG=True, SECURE_HSTS_SECONDS=0), deploy=True)
    assert ids(findings) == ["cupola.E001", "cupola.W002"]
