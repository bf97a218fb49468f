"""The application object: route registration, options, building, and its helpers."""

from __future__ import annotations

import os
from typing import Any

import flask
import pytest

from cupola import Cupola, Response
from cupola.exceptions import ImproperlyConfigured
from cupola.http.request import Request
from cupola.routing import BaseConverter, ValidationError
from cupola.testing import TestClient


def test_verb_decorators(app: Cupola, client: TestClient) -> None:
    @app.get("/r")
    def read() -> str:
        return "get"

    @app.post("/r")
    def create() -> str:
        return "post"

    @app.put("/r")
    def replace() -> str:
        return "put"

    @app.patch("/r")
    def update() -> str:
        return "patch"

    @app.delete("/r")
    def remove() -> str:
        return "delete"

    @app.route("/multi", methods=["get", "Post"])
    def multi(request: Request) -> str:
        return request.method

    assert client.get("/r").text == "get"
    assert client.post("/r").text == "post"
    assert client.put("/r").text == "put"
    assert client.patch("/r").text == "patch"
    assert client.delete("/r").text == "delete"
    assert client.get("/multi").text == "GET"
    assert client.post("/multi").text == "POST"


def test_route_defaults_to_get(app: Cupola, client: TestClient) -> None:
    @app.route("/")
    def index() -> str:
        return "index"

    assert client.get("/").text == "index"
    assert client.post("/").status_code == 405


def test_url_values_are_keyword_arguments(app: Cupola, client: TestClient) -> None:
    @app.get("/a/<int:x>/<y>")
    def view(y: str, x: int) -> dict[str, Any]:
        return {"x": x, "y": y}

    @app.get("/with-request/<int:n>")
    def with_request(request: Request, n: int) -> dict[str, Any]:
        return {"n": n, "path": request.path}

    assert client.get("/a/1/b").json() == {"x": 1, "y": "b"}
    assert client.get("/with-request/3").json() == {"n": 3, "path": "/with-request/3"}


def test_async_view(app: Cupola, client: TestClient) -> None:
    @app.post("/echo")
    async def echo(request: Request) -> dict[str, Any]:
        return {"got": request.json}

    assert client.post("/echo", json=[1, 2]).json() == {"got": [1, 2]}


def test_route_options(app: Cupola, client: TestClient) -> None:
    @app.get("/loose", strict_slashes=False)
    def loose() -> str:
        return "loose"

    @app.get("/page", defaults={"n": 1}, endpoint="first_page")
    @app.get("/page/<int:n>")
    def page(n: int) -> str:
        return f"page {n}"

    assert client.get("/loose").text == "loose"
    assert client.get("/loose/").text == "loose"
    assert client.get("/page").text == "page 1"
    assert client.get("/page/4").text == "page 4"
    with app.app_context():
        from cupola import url_for

        assert url_for("first_page") == "/page"
        assert url_for("page", n=2) == "/page/2"


def test_without_automatic_options(app: Cupola, client: TestClient) -> None:
    @app.get("/", provide_automatic_options=False)
    def index() -> str:
        return ""

    response = client.options("/")
    assert response.status_code == 405
    assert "OPTIONS" not in response.headers["allow"]


def test_custom_converter(app: Cupola, client: TestClient) -> None:
    class ListConverter(BaseConverter):
        def to_python(self, value: str) -> list[str]:
            if not value:
                raise ValidationError("empty")
            return value.split(",")

        def to_url(self, value: Any) -> str:
            return ",".join(value)

    app.url_converters["list"] = ListConverter

    @app.get("/tags/<list:tags>")
    def tags(tags: list[str]) -> dict[str, Any]:
        from cupola import url_for

        return {"tags": tags, "url": url_for("tags", tags=["x", "y"])}

    assert client.get("/tags/a,b").json() == {"tags": ["a", "b"], "url": "/tags/x,y"}


def test_same_function_on_two_rules(app: Cupola, client: TestClient) -> None:
    @app.get("/one")
    @app.get("/two")
    def both() -> str:
        return "both"

    assert client.get("/one").text == client.get("/two").text == "both"


def test_endpoint_taken_by_another_function(app: Cupola) -> None:
    @app.get("/a")
    def view() -> str:
        return ""

    def other() -> str:
        return ""

    with pytest.raises(ImproperlyConfigured, match=r"'view' is already used.*endpoint="):
        app.add_url_rule("/b", "view", other)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda app: app.add_url_rule("/x"), "needs a view_func"),
        (lambda app: app.add_url_rule("/x", "a.b", lambda: ""), "may not contain a dot"),
        (lambda app: app.add_url_rule("/x", "x", lambda: "", methods="GET"), "methods must be"),
    ],
)
def test_registration_errors(app: Cupola, call: Any, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        call(app)


def test_verb_decorator_refuses_methods(app: Cupola) -> None:
    with pytest.raises(TypeError, match="Use route"):
        app.get("/", methods=["POST"])  # type: ignore[call-arg]


def test_bad_rule_fails_at_build(app: Cupola) -> None:
    app.add_url_rule("/<unknown:x>", "bad", lambda x: "")
    with pytest.raises(ImproperlyConfigured, match="unknown converter 'unknown'"):
        app.build()


def test_registration_after_first_request(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> str:
        return "index"

    assert client.get("/late").status_code == 404

    @app.get("/late")
    def late() -> str:
        return "late"

    assert client.get("/late").text == "late"


def test_iter_rules(app: Cupola) -> None:
    @app.get("/a")
    def a() -> str:
        return ""

    @app.post("/b/<int:n>")
    def b(n: int) -> str:
        return ""

    rules = {rule.endpoint: rule for rule in app.iter_rules()}
    assert set(rules) == {"a", "b"}
    assert rules["b"].methods == {"POST", "OPTIONS"}


def test_paths_and_repr() -> None:
    app = Cupola(__name__)
    here = os.path.dirname(os.path.abspath(__file__))
    assert app.root_path == here
    # As Flask computes it: beside the project's top-level package or module.
    assert app.instance_path == flask.Flask(__name__).instance_path
    assert app.template_path == os.path.join(here, "templates")
    assert repr(app) == f"<Cupola {__name__!r}>"
    custom = Cupola(__name__, template_folder="/abs/t", instance_path="/abs/i", static_folder=None)
    assert custom.template_path == "/abs/t"
    assert custom.instance_path == "/abs/i"
    assert custom.static_path is None


def test_static_folder_of_the_app(tmp_path: Any, protocol: str) -> None:
    (tmp_path / "site.js").write_text("js")
    app = Cupola(__name__, static_folder=str(tmp_path), static_url_path="/assets")

    @app.get("/")
    def index() -> str:
        from cupola import url_for

        return url_for("static", filename="site.js")

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/").text == "/assets/site.js"
        assert client.get("/assets/site.js").text == "js"
        assert client.get("/assets/missing.js").status_code == 404


def test_debug_property(app: Cupola) -> None:
    app.debug = True
    assert app.config["DEBUG"] is True
    app.debug = False
    assert app.debug is False


def test_asgi_is_cached(app: Cupola) -> None:
    assert app.asgi is app.asgi
    assert app.asgi.app is app


def test_make_response_passes_responses_through(app: Cupola) -> None:
    response = Response("x")
    assert app.make_response(response) is response
    assert app.make_response({"a": 1}).body == b'{"a":1}'


def test_logger_is_named_after_the_app(app: Cupola) -> None:
    assert app.logger.name == app.import_name


def test_startup_functions_run_in_an_app_context(app: Cupola, protocol: str) -> None:
    seen: list[str] = []

    @app.on_startup
    def sync_start() -> None:
        from cupola import current_app, g, url_for

        g.started = True
        seen.append(f"{current_app.import_name} {url_for('index')}")

    @app.on_startup
    async def async_start() -> None:
        from cupola import current_app

        seen.append(current_app.import_name)

    @app.get("/")
    def index() -> str:
        return "ok"

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/").text == "ok"
    assert seen == [f"{app.import_name} /", app.import_name]


# -- what Flask apps rely on: endpoint-only rules, teardown_appcontext, cli, resources ------------


def test_a_rule_with_an_endpoint_only(app: Cupola, client: TestClient) -> None:
    from cupola import url_for

    app.add_url_rule("/home", endpoint="home")
    app.add_url_rule("/", endpoint="front")

    @app.get("/")
    def front_page() -> str:  # registered after the endpoint-only rule, under another name
        return "front page"

    @app.endpoint("home")
    def home() -> str:
        return "home"

    assert client.get("/home").text == "home"
    assert client.get("/").text == "front page"  # a rule with a view matches first
    with app.test_request_context():
        assert url_for("front") == "/" and url_for("home") == "/home"


def test_an_endpoint_without_any_view_says_how_to_fix_it(app: Cupola, protocol: str) -> None:
    app.add_url_rule("/nothing", endpoint="nothing")
    app.config["TESTING"] = True
    with (
        app.test_client(protocol) as client,  # type: ignore[arg-type]
        pytest.raises(ImproperlyConfigured, match=r"@app.endpoint\('nothing'\)"),
    ):
        client.get("/nothing")
    with pytest.raises(ImproperlyConfigured, match="view_func or an endpoint"):
        app.add_url_rule("/neither")


def test_an_endpoint_view_from_another_rule(app: Cupola, client: TestClient) -> None:
    app.add_url_rule("/alias", endpoint="shared")

    @app.get("/shared", endpoint="shared")
    def shared() -> str:
        return "shared"

    assert client.get("/alias").text == "shared"


def test_teardown_appcontext_ends_every_app_context(app: Cupola, client: TestClient) -> None:
    from cupola import g

    ended: list[tuple[str, Any]] = []

    @app.teardown_appcontext
    def close(exc: BaseException | None) -> None:
        ended.append((g.get("label", "?"), exc))

    @app.teardown_request
    def request_ended(exc: BaseException | None) -> None:
        ended.append(("teardown_request", exc))

    @app.get("/")
    def index() -> str:
        g.label = "request"
        return "ok"

    client.get("/")
    assert ended == [("teardown_request", None), ("request", None)]
    ended.clear()
    with app.app_context():
        g.label = "app context"
    assert ended == [("app context", None)]
    ended.clear()
    with pytest.raises(KeyError), app.test_request_context("/"):
        g.label = "test request"
        raise KeyError("x")
    assert [label for label, _ in ended] == ["teardown_request", "test request"]
    assert all(isinstance(exc, KeyError) for _, exc in ended)


def test_async_teardowns_end_test_request_contexts(app: Cupola) -> None:
    ended: list[str] = []

    @app.teardown_request
    async def request_ended(exc: BaseException | None) -> None:
        ended.append("async")

    with app.test_request_context("/"):
        pass
    assert ended == ["async"]


def test_open_resource_testing_and_name(tmp_path: Any) -> None:
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id INT);")
    app = Cupola(__name__, root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))
    with app.open_resource("schema.sql") as f:
        assert f.read() == b"CREATE TABLE t (id INT);"
    with app.open_resource("schema.sql", "r") as f:
        assert f.read().startswith("CREATE")
    with pytest.raises(ValueError, match="only reads"):
        app.open_resource("schema.sql", "w")
    (tmp_path / "instance").mkdir()
    with app.open_instance_resource("notes.txt", "w") as f:
        f.write("kept")
    assert (tmp_path / "instance" / "notes.txt").read_text() == "kept"
    assert app.testing is False
    app.testing = True
    assert app.config["TESTING"] is True
    assert app.name == __name__
    with pytest.raises(ImproperlyConfigured, match="absolute"):
        Cupola(__name__, instance_path="relative")


def test_instance_relative_config(tmp_path: Any) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.py").write_text("GREETING = 'from the instance'\n")
    app = Cupola(__name__, instance_path=str(instance), instance_relative_config=True)
    assert app.config.from_pyfile("settings.py")
    assert app.config["GREETING"] == "from the instance"
    other = Cupola(__name__, instance_path=str(instance))
    assert other.config.root_path == other.root_path
    assert not other.config.from_pyfile("settings.py", silent=True)


def test_app_cli_commands_run_in_the_app_context(app: Cupola) -> None:
    import click

    from cupola import current_app, g

    @app.teardown_appcontext
    def close(exc: BaseException | None) -> None:
        click.echo(f"closed {g.get('resource')}")

    @app.cli.command("hello")
    @click.argument("name")
    def hello(name: str) -> None:
        g.resource = "db"
        click.echo(f"hello {name} from {current_app.name}")

    @click.command("plain")
    def plain() -> None:
        click.echo(current_app.name)

    app.cli.add_command(plain)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["hello", "ada"])
    assert result.output == f"hello ada from {app.name}\nclosed db\n"
    assert runner.invoke(args=["plain"]).output == f"{app.name}\nclosed None\n"
    assert runner.invoke(hello, ["bob"]).output.startswith("hello bob")


def test_a_blueprint_reached_twice_is_listed_once(app: Cupola) -> None:
    from cupola import Blueprint

    shared = Blueprint("shared", __name__)
    first = Blueprint("first", __name__)
    second = Blueprint("second", __name__)
    first.register_blueprint(shared)
    second.register_blueprint(shared, name="shared_again")
    app.register_blueprint(first)
    app.register_blueprint(second)
    scaffolds = list(app.iter_scaffolds())
    assert scaffolds == [app, first, shared, second]
