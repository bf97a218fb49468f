import sqlite3

import pytest
from flask import g
from readinglog.db import get_db


def test_get_close_db(app):
    with app.app_context():
        db = get_db()
        assert db is get_db()

    with pytest.raises(sqlite3.ProgrammingError) as e:
        db.execute("SELECT 1")

    assert "closed" in str(e.value)


def test_each_request_closes_its_connection(app, client):
    with client:
        client.get("/")
        assert "db" not in g  # teardown_appcontext popped and closed it


def test_init_db_command(runner, monkeypatch):
    class Recorder:
        called = False

    def fake_init_db():
        Recorder.called = True

    monkeypatch.setattr("readinglog.db.init_db", fake_init_db)
    result = runner.invoke(args=["init-db"])
    assert "Initialized" in result.output
    assert Recorder.called


def test_init_db_command_creates_the_tables(app, runner):
    with app.app_context():
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0
        assert get_db().execute("SELECT COUNT(*) FROM reader").fetchone()[0] == 0


def test_stats_command(runner):
    assert runner.invoke(args=["stats"]).output == "1 books logged.\n"
    assert runner.invoke(args=["stats", "--reader", "other"]).output == "0 books logged.\n"
