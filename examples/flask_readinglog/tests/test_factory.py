import os

import readinglog
from flask import Flask
from readinglog import create_app


def test_config():
    assert not create_app().testing
    assert create_app({"TESTING": True}).testing


def test_instance_folder_beside_the_package(app):
    project = os.path.dirname(os.path.dirname(os.path.abspath(readinglog.__file__)))
    assert app.instance_path == os.path.join(project, "instance")


def test_settings_from_the_instance_folder(tmp_path):
    (tmp_path / "settings.py").write_text("SECRET_KEY = 'from the instance folder'\nlower = 1\n")
    app = Flask("readinglog", instance_path=str(tmp_path), instance_relative_config=True)
    assert app.config.from_pyfile("settings.py")
    assert app.config["SECRET_KEY"] == "from the instance folder"
    assert "lower" not in app.config
    assert not app.config.from_pyfile("missing.py", silent=True)


def test_settings_from_prefixed_environment_variables(monkeypatch):
    monkeypatch.setenv("FLASK_PAGE_SIZE", "20")
    monkeypatch.setenv("FLASK_GREETING", "hello")
    app = create_app({"TESTING": True})
    app.config.from_prefixed_env()
    assert app.config["PAGE_SIZE"] == 20
    assert app.config["GREETING"] == "hello"


def test_ping(client):
    response = client.get("/ping")
    assert response.data == b"pong"
