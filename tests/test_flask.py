"""Flask's names (cupola/flask.py), through a Flask-built app on both protocols."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola
from cupola.exceptions import ImproperlyConfigured
from cupola.flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    after_this_request,
    copy_current_request_context,
    current_app,
    flash,
    g,
    get_flashed_messages,
    has_app_context,
    has_request_context,
    json,
    jsonify,
    make_response,
    redirect,
    render_template,
    render_template_string,
    request,
    send_file,
    send_from_directory,
    session,
    stream_with_context,
    url_for,
)
from cupola.testing.flask import FlaskClient, WerkzeugResponse


@pytest.fixture
def app(tmp_path: Path) -> Flask:  # noqa: C901  # one route per name tested
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "hello.html").write_text("Hello {{ name }}!")
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "notes.txt").write_text("some notes")
    app = Flask(__name__, root_path=str(tmp_path))
    app.config.update(SECRET_KEY="flask-test", TESTING=True)
    bp = Blueprint("pages", __name__, url_prefix="/pages")

    @bp.route("/<name>")
    def page(name: str) -> str:
        return render_template("hello.html", name=name)

    app.register_blueprint(bp)

    @app.route("/json")
    def as_json() -> Any:
        return jsonify(items=[1, 2], app=current_app.name)

    @app.route("/made")
    def made() -> Response:
        response = make_response("made", 201)
        response.headers["X-Made"] = "yes"
        return response

    @app.route("/after")
    def after() -> str:
        @after_this_request
        def add_header(response: Response) -> Response:
            response.headers["X-After"] = "once"
            return response

        return "after"

    @app.route("/flash", methods=["POST"])
    def flash_view() -> Response:
        flash("saved", "info")
        return redirect(url_for("messages"))

    @app.route("/messages")
    def messages() -> Any:
        return jsonify(get_flashed_messages(with_categories=True))

    @app.route("/abort/<int:code>")
    def aborting(code: int) -> str:
        abort(code)

    @app.route("/file")
    def file() -> Response:
        return send_file(io.BytesIO(b"bytes"), download_name="data.bin")

    @app.route("/files/<path:name>")
    def files(name: str) -> Response:
        return send_from_directory("files", name)

    @app.route("/stream")
    def stream() -> Any:
        def generate() -> Iterator[str]:
            yield "for "
            yield request.args["who"]

        return stream_with_context(generate())

    @app.route("/thread")
    def in_thread() -> str:
        seen: list[str] = []

        @copy_current_request_context
        def work() -> None:
            seen.append(request.path)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return seen[0]

    @app.route("/string")
    def string() -> str:
        return render_template_string("{{ a }} & {{ request.path }}", a="<b>")

    return app


@pytest.fixture
def client(app: Flask, protocol: str) -> Iterator[FlaskClient]:
    with app.test_client(protocol) as test_client:  # type: ignore[arg-type]
        yield test_client


def test_flask_is_a_cupola_app_with_flasks_arguments(tmp_path: Path) -> None:
    app = Flask(__name__, static_folder="assets", instance_relative_config=True)
    assert isinstance(app, Cupola)
    assert app.static_url_path == "/assets"  # as Flask: "/" + the folder's name
    assert app.config.root_path == app.instance_path
    assert repr(app) == f"<Flask {__name__!r}>"
    app.secret_key = "set the Flask way"
    assert app.config["SECRET_KEY"] == app.secret_key == "set the Flask way"
    with pytest.raises(ImproperlyConfigured, match="host_matching"):
        Flask(__name__, host_matching=True)


def test_werkzeug_style_responses(client: FlaskClient) -> None:
    response = client.get("/json")
    assert isinstance(response, WerkzeugResponse)
    assert response.status == "200 OK"
    assert response.mimetype == "application/json"
    assert response.get_json() == {"items": [1, 2], "app": "tests.test_flask"}
    assert response.json == response.get_json()
    assert json.loads(response.data) == response.json
    page = client.get("/pages/ada")
    assert page.data == b"Hello ada!"
    assert page.get_data(as_text=True) == "Hello ada!"
    assert page.get_json() is None
    with pytest.raises(ValueError):
        page.get_json(force=True)
    assert page.get_json(force=True, silent=True) is None


def test_make_response_after_this_request_and_abort(client: FlaskClient) -> None:
    made = client.get("/made")
    assert (made.status_code, made.headers["X-Made"], made.data) == (201, "yes", b"made")
    assert client.get("/after").headers["X-After"] == "once"
    assert "X-After" not in client.get("/made").headers
    assert client.get("/abort/418").status_code == 418


def test_flash_redirect_and_url_for(client: FlaskClient) -> None:
    response = client.post("/flash", follow_redirects=True)
    assert response.json == [["info", "saved"]]
    assert response.history[0].location == "/messages"


def test_send_file_and_send_from_directory(client: FlaskClient) -> None:
    response = client.get("/file")
    assert response.data == b"bytes"
    assert response.mimetype == "application/octet-stream"
    assert client.get("/files/notes.txt").data == b"some notes"
    assert client.get("/files/../app.py").status_code == 404
    assert client.get("/files/missing.txt").status_code == 404


def test_stream_copy_context_and_template_strings(client: FlaskClient) -> None:
    assert client.get("/stream", query_string={"who": "ada"}).data == b"for ada"
    assert client.get("/thread").data == b"/thread"
    assert client.get("/string").data == b"&lt;b&gt; & /string"


def test_context_helpers(app: Flask, client: FlaskClient) -> None:
    assert not has_app_context() and not has_request_context()
    with app.test_request_context("/x?y=1"):
        assert has_app_context() and has_request_context()
        assert request.args["y"] == "1"
        g.value = 1
        session["k"] = "v"
        assert url_for("pages.page", name="a") == "/pages/a"


def test_files_in_data_and_content_type(app: Flask, client: FlaskClient) -> None:
    @app.route("/upload", methods=["POST"])
    def upload() -> Any:
        return jsonify(
            field=request.form["field"],
            file=request.files["doc"].read().decode(),
            name=request.files["doc"].filename,
        )

    @app.route("/raw", methods=["POST"])
    def raw() -> Any:
        return jsonify(type=request.mimetype, body=request.get_data(as_text=True))

    data = {"field": "x", "doc": (io.BytesIO(b"content"), "doc.txt")}
    assert client.post("/upload", data=data).json == {
        "field": "x",
        "file": "content",
        "name": "doc.txt",
    }
    sent = client.post("/raw", data="a=b", content_type="text/csv").json
    assert sent == {"type": "text/csv", "body": "a=b"}


def test_jsonify_forms() -> None:
    assert jsonify(1, 2).json() == [1, 2]
    assert jsonify({"a": 1}).json() == {"a": 1}
    with pytest.raises(TypeError):
        jsonify(1, a=2)
    assert json.dumps({"a": [1]}) == '{"a":[1]}'
