"""Flask names, edges: static paths, unknown protocols, template lists, file objects, json files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cupola.exceptions import ImproperlyConfigured
from cupola.flask import Flask, json, make_response, render_template, send_file
from cupola.testing.flask import FlaskClient


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "second.html").write_text("second {{ n }}")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "site.css").write_text("body {}")
    app = Flask(__name__, root_path=str(tmp_path), static_folder="assets", static_url_path="/s")

    @app.route("/pick")
    def pick() -> str:
        return render_template(["missing.html", "second.html"], n=2)

    @app.route("/empty")
    def empty() -> object:
        response = make_response()
        response.headers["X-Empty"] = "1"
        return response

    @app.route("/blob")
    def blob() -> object:
        return send_file(io.BytesIO(b"\x01\x02"), mimetype="application/octet-stream")

    return app


@pytest.fixture
def client(app: Flask, protocol: str) -> FlaskClient:
    return app.test_client(protocol)


def test_explicit_static_url_path(client: FlaskClient) -> None:
    assert client.get("/s/site.css").data == b"body {}"
    assert client.get("/assets/site.css").status_code == 404


def test_no_static_folder_means_no_static_route(tmp_path: Path, protocol: str) -> None:
    app = Flask(__name__, root_path=str(tmp_path), static_folder=None)
    assert app.test_client(protocol).get("/static/x.css").status_code == 404


def test_unknown_protocol(app: Flask) -> None:
    with pytest.raises(ImproperlyConfigured, match="protocol must be"):
        app.test_client("http3")


def test_first_existing_template_of_a_list(client: FlaskClient) -> None:
    assert client.get("/pick").data == b"second 2"


def test_empty_make_response(client: FlaskClient) -> None:
    response = client.get("/empty")
    assert response.status_code == 200
    assert response.headers["X-Empty"] == "1"
    assert response.data == b""


def test_send_file_object_without_a_name(client: FlaskClient) -> None:
    response = client.get("/blob")
    assert response.data == b"\x01\x02"
    assert response.mimetype == "application/octet-stream"
    assert "Content-Disposition" not in response.headers


def test_send_file_object_needs_a_type(app: Flask) -> None:
    with app.test_request_context("/"), pytest.raises(ValueError, match="mimetype="):
        send_file(io.BytesIO(b"data"))


def test_json_dump_and_load_files() -> None:
    buffer = io.StringIO()
    json.dump({"a": [1, "é"]}, buffer)
    buffer.seek(0)
    assert json.load(buffer) == {"a": [1, "é"]}
    assert json.load(io.BytesIO(b'{"b": true}')) == {"b": True}
