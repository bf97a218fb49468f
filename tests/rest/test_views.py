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

from cupola import Blueprint, Cupola
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
        title = "Café – “quoted”"
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
