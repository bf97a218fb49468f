"""APIView: REST framework's answers (recorded fixtures) replayed on both protocols, and the
registration path (add_url_rule, blueprints, sync and async handlers, CSRF, settings).

The views below mirror those of ``fixtures/make_drf_fixtures.py`` (``views`` section); the
parity tests send each recorded request and compare status, the headers that matter and the
body with REST framework 3.18's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Blueprint, Cupola
from cupola.db import Database
from cupola.exceptions import ImproperlyConfigured
from cupola.rest import exceptions, renderers
from cupola.rest.decorators import api_view
from cupola.rest.response import Response
from cupola.rest.views import APIView

FIXTURES = Path(__file__).parent / "fixtures"
RECORDED_HEADERS = ("Content-Type", "Allow", "Vary", "WWW-Authenticate", "Retry-After")
# Policies that REST framework's defaults would bring (authentication, AllowAny) are left
# out on both sides, so the answers depend only on the views.
REST = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}


class User:
    is_authenticated = True

    def __init__(self, name: str) -> None:
        self.name = name


class HeaderAuthentication:
    """``X-User: name`` authenticates; ``X-User: bad`` fails."""

    def authenticate(self, request: Any) -> Any:
        name = request.headers.get("X-User")
        if name is None:
            return None
        if name == "bad":
            raise exceptions.AuthenticationFailed()
        return (User(name), None)

    def authenticate_header(self, request: Any) -> str | None:
        return 'Token realm="api"'


class NoChallengeAuthentication(HeaderAuthentication):
    def authenticate_header(self, request: Any) -> str | None:
        return None


class IsAuthenticated:
    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)


class ReadOnly:
    message = "Writes are closed."

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS")


class HeaderThrottle:
    """Refuses requests with ``X-Throttle: <seconds>``."""

    def allow_request(self, request: Any, view: Any) -> bool:
        self.seconds = request.headers.get("X-Throttle")
        return self.seconds is None

    def wait(self) -> float:
        return float(self.seconds)


class BookList(APIView):
    """List the books.

    Or add one.
    """

    def get(self, request: Any, **kwargs: Any) -> Response:
        title = "Caf\u00e9 \u2013 \u201cquoted\u201d"
        return Response({"books": [1, 2], "title": title, "q": request.query_params.get("q")})

    def post(self, request: Any, **kwargs: Any) -> Response:
        return Response(request.data, status=201)


class Protected(APIView):
    authentication_classes = [HeaderAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [HeaderThrottle]

    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response({"user": request.user.name})

    def post(self, request: Any, **kwargs: Any) -> Response:
        return Response(request.data, status=201)


class NoChallenge(APIView):
    authentication_classes = [NoChallengeAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response({"ok": True})


class ReadOnlyView(APIView):
    authentication_classes = [HeaderAuthentication]
    permission_classes = [ReadOnly]

    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response({"ok": True})

    def post(self, request: Any, **kwargs: Any) -> Response:
        return Response({"ok": True})


class Empty(APIView):
    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response()

    def delete(self, request: Any, **kwargs: Any) -> Response:
        return Response(status=204)


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "Service temporarily unavailable, try again later."
    default_code = "service_unavailable"


ERRORS = {
    "validation_list": lambda: exceptions.ValidationError("This field is required."),
    "validation_dict": lambda: exceptions.ValidationError(
        {"title": ["This field may not be blank."]}
    ),
    "not_found": lambda: exceptions.NotFound(),
    "custom": lambda: ServiceUnavailable(),
    "parse": lambda: exceptions.ParseError(),
    "throttled": lambda: exceptions.Throttled(1),
    "denied": lambda: exceptions.PermissionDenied(),
}


class Errors(APIView):
    def get(self, request: Any, kind: str, **kwargs: Any) -> Response:
        raise ERRORS[kind]()


class SingleRenderer(APIView):
    renderer_classes = [renderers.JSONRenderer]

    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response({"single": True})


class NoMetadata(APIView):
    metadata_class = None

    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response({"ok": True})


class StaticPage(APIView):
    renderer_classes = [renderers.StaticHTMLRenderer]

    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response("<p>Hello</p>")


@api_view(["GET", "POST"])
def hello(request: Any) -> Response:
    """Say hello."""
    return Response({"hello": request.method})


def parity_app() -> Cupola:
    app = Cupola(__name__)
    app.config["REST"] = dict(REST)
    for rule, view in [
        ("/books/", BookList.as_view()),
        ("/protected/", Protected.as_view()),
        ("/nochallenge/", NoChallenge.as_view()),
        ("/readonly/", ReadOnlyView.as_view()),
        ("/empty/<int:pk>/", Empty.as_view()),
        ("/errors/<kind>/", Errors.as_view()),
        ("/single/", SingleRenderer.as_view()),
        ("/nometa/", NoMetadata.as_view()),
        ("/static/", StaticPage.as_view()),
        ("/hello/", hello),
    ]:
        app.add_url_rule(rule, view_func=view)
    return app


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(FIXTURES.glob("views_*.json")):
        for name, case in json.loads(path.read_text()).items():
            cases.append(pytest.param(case["request"], case["response"], id=f"{path.stem}-{name}"))
    return cases


@pytest.mark.parametrize(("sent", "expected"), load_cases())
def test_parity_with_rest_framework(
    sent: dict[str, Any], expected: dict[str, Any], protocol: str
) -> None:
    kwargs: dict[str, Any] = {"headers": dict(sent.get("headers", {}))}
    if "body" in sent:
        kwargs["content"] = sent["body"].encode()
        kwargs["headers"]["Content-Type"] = sent["content_type"]
    with parity_app().test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.request(sent["method"], sent["path"], **kwargs)
    assert response.status_code == expected["status"]
    headers = {
        name: response.headers[name] for name in RECORDED_HEADERS if name in response.headers
    }
    wanted = dict(expected["headers"])
    if sent["path"] == "/hello/":
        # REST framework lists an @api_view's methods in set order, which varies between
        # processes; compare the methods, not their order.
        assert set(headers.pop("Allow").split(", ")) == set(wanted.pop("Allow").split(", "))
    assert headers == wanted
    if expected["body"] is None:
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.text
    else:
        assert response.text == expected["body"]


def test_fixtures_cover_every_section() -> None:
    names = {path.stem for path in FIXTURES.glob("views_*.json")}
    assert names == {
        "views_checks",
        "views_errors",
        "views_negotiation",
        "views_options",
        "views_parsing",
    }


# -- registration, handlers and settings ---------------------------------------------------------


def rest_app() -> Cupola:
    app = Cupola(__name__)
    app.config["REST"] = dict(REST)
    return app


class AsyncBooks(APIView):
    authentication_classes = [HeaderAuthentication]
    permission_classes = [IsAuthenticated]

    async def get(self, request: Any, pk: int) -> Response:
        return Response({"pk": pk, "user": request.user.name, "async": True})

    async def post(self, request: Any, pk: int) -> Response:
        return Response({"received": request.data}, status=201)


def test_async_handlers_on_both_protocols(protocol: str) -> None:
    app = rest_app()
    app.add_url_rule("/books/<int:pk>", view_func=AsyncBooks.as_view("book"))
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/books/7", headers={"X-User": "ann"})
        assert response.json() == {"pk": 7, "user": "ann", "async": True}
        assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
        response = client.post("/books/7", json={"a": 1}, headers={"X-User": "ann"})
        assert (response.status_code, response.json()) == (201, {"received": {"a": 1}})
        response = client.get("/books/7")  # the checks run before an async handler too
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Token realm="api"'
        assert client.options("/books/7", headers={"X-User": "ann"}).json()["name"] == "Async Books"


def test_async_api_view(protocol: str) -> None:
    @api_view(["POST"])
    async def echo(request: Any) -> Response:
        return Response(request.data)

    app = rest_app()
    app.add_url_rule("/echo", view_func=echo)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.post("/echo", json=[1, 2]).json() == [1, 2]
        assert client.get("/echo").status_code == 405


def test_mixing_sync_and_async_handlers_is_refused() -> None:
    class Mixed(APIView):
        def get(self, request: Any) -> Response:
            return Response()

        async def post(self, request: Any) -> Response:
            return Response()

    with pytest.raises(ImproperlyConfigured, match="mixes sync and async handlers"):
        Mixed.as_view()


def test_as_view_checks_initkwargs() -> None:
    with pytest.raises(ImproperlyConfigured, match="invalid keyword 'colour'"):
        BookList.as_view(colour="red")
    with pytest.raises(ImproperlyConfigured, match="method name get"):
        BookList.as_view(get=None)


def test_view_function_attributes() -> None:
    view = SingleRenderer.as_view("single", renderer_classes=[renderers.JSONRenderer])
    assert view.__name__ == "single"
    assert view.view_class is SingleRenderer  # type: ignore[attr-defined]
    assert view.view_initkwargs == {"renderer_classes": [renderers.JSONRenderer]}  # type: ignore[attr-defined]
    assert view.csrf_exempt is True  # type: ignore[attr-defined]
    assert "OPTIONS" in view.methods and "DELETE" in view.methods  # type: ignore[attr-defined]
    assert BookList.as_view().__name__ == "BookList"


def test_initkwargs_set_attributes_per_instance(protocol: str) -> None:
    class Greeting(APIView):
        greeting = "hello"

        def get(self, request: Any) -> Response:
            return Response({"greeting": self.greeting})

    app = rest_app()
    app.add_url_rule("/a", view_func=Greeting.as_view("a"))
    app.add_url_rule("/b", view_func=Greeting.as_view("b", greeting="bonjour"))
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/a").json() == {"greeting": "hello"}
        assert client.get("/b").json() == {"greeting": "bonjour"}


def test_blueprint_registration_and_kwargs(protocol: str) -> None:
    class Detail(APIView):
        def get(self, request: Any, version: str, pk: int) -> Response:
            return Response({"version": version, "pk": pk, "kwargs": self.kwargs})

    blueprint = Blueprint("api", __name__, url_prefix="/api/<version>")
    blueprint.add_url_rule("/books/<int:pk>/", view_func=Detail.as_view("book-detail"))
    app = rest_app()
    app.register_blueprint(blueprint)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/api/v1/books/3/")
        assert response.json() == {"version": "v1", "pk": 3, "kwargs": {"version": "v1", "pk": 3}}
        assert client.delete("/api/v1/books/3/").status_code == 405  # the view's own 405


def test_csrf_middleware_leaves_rest_views_to_their_authentication(protocol: str) -> None:
    app = rest_app()
    app.config["SECRET_KEY"] = "test-secret-key-of-sufficient-length"

    @app.route("/login")
    def login() -> str:
        from cupola import session

        session["user"] = "ann"
        return "in"

    @app.route("/plain", methods=["POST"])
    def plain() -> str:
        return "posted"

    app.add_url_rule("/books/", view_func=BookList.as_view())
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        client.get("/login")
        assert client.post("/plain", headers=cross_site).status_code == 403  # CSRF is on
        response = client.post("/books/", json={"a": 1}, headers=cross_site)
        assert response.status_code == 201


def test_settings_are_read_per_app(protocol: str) -> None:
    plain = rest_app()
    single = rest_app()
    single.config["REST"]["DEFAULT_RENDERER_CLASSES"] = ["cupola.rest.renderers.JSONRenderer"]
    view = BookList.as_view()  # one class, registered on two apps
    plain.add_url_rule("/books/", view_func=view)
    single.add_url_rule("/books/", view_func=view)
    with plain.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/books/").headers["Vary"] == "Accept"
    with single.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/books/")
        assert "Vary" not in response.headers
        assert client.get("/books/", headers={"Accept": "text/html"}).status_code == 406
        single.config["REST"]["DEFAULT_RENDERER_CLASSES"].append(renderers.StaticHTMLRenderer)
        single.config["REST"] = {**single.config["REST"]}  # a new dict: noticed
        assert client.get("/books/").headers["Vary"] == "Accept"


def custom_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    from cupola.rest.views import exception_handler

    response = exception_handler(exc, context)
    if response is not None:
        response.data = {"error": response.data, "view": type(context["view"]).__name__}
    return response


def test_exception_handler_setting(protocol: str) -> None:
    app = rest_app()
    app.config["REST"]["EXCEPTION_HANDLER"] = f"{__name__}:custom_handler"
    app.add_url_rule("/errors/<kind>/", view_func=Errors.as_view())
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/errors/not_found/")
        assert response.status_code == 404
        assert response.json() == {"error": {"detail": "Not found."}, "view": "Errors"}


def test_core_http_errors_answer_as_rest_errors(protocol: str) -> None:
    from cupola import abort

    class Core(APIView):
        def get(self, request: Any, code: int) -> Response:
            if code == 404:
                abort(404)
            if code == 403:
                abort(403, "Members only.")
            abort(code)

    app = rest_app()
    app.add_url_rule("/core/<int:code>", view_func=Core.as_view())
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/core/404")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
        assert client.get("/core/403").json() == {"detail": "Members only."}
        response = client.get("/core/409")
        assert response.status_code == 409
        assert response.json() == {
            "detail": "The request conflicts with the current state of the resource."
        }


def test_unhandled_error_is_a_500_without_details(protocol: str) -> None:
    class Broken(APIView):
        def get(self, request: Any) -> Response:
            raise RuntimeError("secret detail")

    app = rest_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/broken", view_func=Broken.as_view())
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/broken")
        assert response.status_code == 500
        assert "secret detail" not in response.text


def test_handler_returning_data_or_wrong_type(protocol: str) -> None:
    class Plain(APIView):
        def get(self, request: Any) -> Any:
            return {"plain": True}

        def post(self, request: Any) -> Any:
            return 42

    app = rest_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/plain", view_func=Plain.as_view())
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/plain")
        assert response.json() == {"plain": True}
        assert response.headers["Content-Type"] == "application/json"
        assert client.post("/plain").status_code == 500


def test_lifecycle_attributes_and_hooks(protocol: str) -> None:
    seen: dict[str, Any] = {}

    class Hooks(APIView):
        def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
            super().initial(request, *args, **kwargs)
            seen["order"] = ["initial"]

        def get(self, request: Any, pk: int) -> Response:
            seen["order"].append("get")
            seen["request"] = self.request is request
            seen["kwargs"] = self.kwargs
            seen["renderer"] = type(request.accepted_renderer).__name__
            seen["media_type"] = request.accepted_media_type
            self.headers["X-Extra"] = "1"
            return Response({"ok": True}, headers={"Vary": "Cookie"})

    app = rest_app()
    app.add_url_rule("/hooks/<int:pk>", view_func=Hooks.as_view())
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/hooks/5")
    assert seen == {
        "order": ["initial", "get"],
        "request": True,
        "kwargs": {"pk": 5},
        "renderer": "JSONRenderer",
        "media_type": "application/json",
    }
    assert response.headers["X-Extra"] == "1"
    assert response.headers["Vary"] == "Cookie, Accept"


def test_view_name_and_description() -> None:
    from cupola.rest.views import get_view_description, get_view_name

    class BookListViewSet(APIView):
        """First line.

        Indented *details*.
        """

    view = BookListViewSet()
    assert get_view_name(view) == "Book List"
    assert get_view_description(view) == "First line.\n\nIndented *details*."
    assert get_view_description(view, html=True) == (
        "<p>First line.<br /><br />Indented *details*.</p>"
    )
    view.suffix = "Instance"  # type: ignore[attr-defined]
    assert get_view_name(view) == "Book List Instance"
    view.name = "Books"  # type: ignore[attr-defined]
    assert get_view_name(view) == "Books"
    assert get_view_name(APIView()) == "Api"


def test_build_view_with_setup_binds_methods_per_view(protocol: str) -> None:
    class Actions(APIView):
        def list(self, request: Any) -> Response:
            return Response({"action": "list", "seen": self.seen})

        def create(self, request: Any) -> Response:
            return Response({"action": "create"}, status=201)

    def bind_for(actions: dict[str, str]) -> Any:
        def bind(view: Any, request: Any, kwargs: dict[str, Any]) -> None:
            view.seen = request.method
            for method, name in actions.items():
                setattr(view, method, getattr(view, name))

        return bind

    app = rest_app()
    both = Actions.build_view(
        "both", {}, is_async=False, setup=bind_for({"get": "list", "post": "create"})
    )
    read = Actions.build_view("read", {}, is_async=False, setup=bind_for({"get": "list"}))
    app.add_url_rule("/both", view_func=both)
    app.add_url_rule("/read", view_func=read)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/both")
        assert response.json() == {"action": "list", "seen": "GET"}
        assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
        assert client.post("/both").status_code == 201
        response = client.post("/read")
        assert response.status_code == 405
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("atomic", [True, False])
def test_handled_errors_roll_back_atomic_requests(
    protocol: str, tmp_path: Path, atomic: bool
) -> None:
    app = rest_app()
    app.config.update(DATABASE_URL=f"sqlite:///{tmp_path / 'notes.db'}")
    app.config["DATABASE_ATOMIC_REQUESTS"] = atomic
    db = Database(app)

    class Note(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        text: Mapped[str] = mapped_column(String(50))

    class Notes(APIView):
        def post(self, request: Any) -> Response:
            db.session.add(Note(text=request.data["text"]))
            db.session.flush()
            if request.data.get("fail"):
                raise exceptions.ValidationError({"text": ["Rejected."]})
            if not atomic:
                db.session.commit()
            return Response({"saved": True}, status=201)

    app.add_url_rule("/notes", view_func=Notes.as_view())
    with app.app_context():
        db.create_all()
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.post("/notes", json={"text": "kept"}).status_code == 201
        response = client.post("/notes", json={"text": "dropped", "fail": True})
        assert (response.status_code, response.json()) == (400, {"text": ["Rejected."]})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Note)) == 1
        db.dispose()


def plain_handler(exc: Exception, context: dict[str, Any]) -> Any:
    from cupola import PlainTextResponse

    return PlainTextResponse(f"failed: {exc}", status=418)


def test_exception_handler_may_answer_with_a_core_response(protocol: str) -> None:
    app = rest_app()
    app.config["REST"]["EXCEPTION_HANDLER"] = plain_handler
    app.add_url_rule("/errors/<kind>/", view_func=Errors.as_view())
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/errors/not_found/")
        assert (response.status_code, response.text) == (418, "failed: Not found.")
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
