"""The REST request: lazy parsing, authentication, delegation to the Cupola request."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import exceptions
from cupola.rest.request import Request, WrappedAttributeError, clone_request, wrap_attribute_errors
from cupola.rest.response import Response
from cupola.rest.views import APIView

REST = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}


class Token:
    """``Authorization: Token <name>`` authenticates; ``Token broken`` raises AttributeError."""

    def authenticate(self, request: Any) -> Any:
        header = request.headers.get("Authorization")
        if not header:
            return None
        name = header.removeprefix("Token ")
        if name == "broken":
            return None.user  # type: ignore[attr-defined]  # a bug inside an authenticator
        if name == "wrong":
            raise exceptions.AuthenticationFailed("Invalid token.")
        return ({"name": name}, f"token-{name}")

    def authenticate_header(self, request: Any) -> str:
        return "Token"


def make_app(view: type[APIView], rule: str = "/r") -> Cupola:
    app = Cupola(__name__)
    app.config["REST"] = dict(REST)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule(rule, view_func=view.as_view())
    return app


def test_body_is_parsed_only_when_data_is_read(protocol: str) -> None:
    class Lazy(APIView):
        def post(self, request: Any) -> Response:
            if request.query_params.get("read"):
                return Response({"data": request.data})
            return Response({"read": False})

    with make_app(Lazy).test_client(protocol) as client:  # type: ignore[arg-type]
        bad = {"content": b"{bad", "headers": {"Content-Type": "text/plain"}}
        assert client.post("/r", **bad).json() == {"read": False}
        response = client.post("/r?read=1", **bad)
        assert response.status_code == 415


def test_data_after_a_parse_error_is_empty(protocol: str) -> None:
    seen: list[Any] = []

    class Retry(APIView):
        def post(self, request: Any) -> Response:
            try:
                return Response(request.data)
            except exceptions.ParseError:
                seen.append(request.data)
                raise

    with make_app(Retry).test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.post("/r", content=b"[1,", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert seen == [{}]


def test_delegates_to_the_cupola_request(protocol: str) -> None:
    class Echo(APIView):
        def get(self, request: Any, pk: int) -> Response:
            return Response(
                {
                    "method": request.method,
                    "path": request.path,
                    "args": request.args.to_dict(),
                    "query_params": request.query_params.getlist("tag"),
                    "header": request.headers.get("X-Thing"),
                    "host": request.host,
                    "is_cupola": request._request.path == request.path,
                    "content_type": request.content_type,
                }
            )

    with make_app(Echo, "/r/<int:pk>").test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/r/1?tag=a&tag=b", headers={"X-Thing": "x"})
    assert response.json() == {
        "method": "GET",
        "path": "/r/1",
        "args": {"tag": "a"},
        "query_params": ["a", "b"],
        "header": "x",
        "host": "localhost",
        "is_cupola": True,
        "content_type": "",
    }


def test_user_and_auth(protocol: str) -> None:
    class Who(APIView):
        authentication_classes = [Token]

        def get(self, request: Any) -> Response:
            return Response(
                {
                    "user": request.user if isinstance(request.user, dict) else None,
                    "anonymous": not getattr(request.user, "is_authenticated", True),
                    "auth": request.auth,
                    "authenticator": type(request.successful_authenticator).__name__,
                }
            )

    with make_app(Who).test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/r", headers={"Authorization": "Token ann"})
        assert response.json() == {
            "user": {"name": "ann"},
            "anonymous": False,
            "auth": "token-ann",
            "authenticator": "Token",
        }
        response = client.get("/r")  # the default UNAUTHENTICATED_USER: AnonymousUser
        assert response.json() == {
            "user": None,
            "anonymous": True,
            "auth": None,
            "authenticator": "NoneType",
        }
        response = client.get("/r", headers={"Authorization": "Token wrong"})
        assert (response.status_code, response.json()) == (401, {"detail": "Invalid token."})
        assert response.headers["WWW-Authenticate"] == "Token"


def test_attribute_error_in_an_authenticator_is_not_swallowed(protocol: str) -> None:
    class Who(APIView):
        authentication_classes = [Token]

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    app = make_app(Who)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/r", headers={"Authorization": "Token broken"}).status_code == 500


def test_lazy_authentication_when_perform_authentication_is_overridden(protocol: str) -> None:
    class Lazy(APIView):
        authentication_classes = [Token]

        def perform_authentication(self, request: Any) -> None:
            pass

        def get(self, request: Any) -> Response:
            if request.query_params.get("who"):
                return Response({"auth": request.auth})
            return Response({"checked": False})

    with make_app(Lazy).test_client(protocol) as client:  # type: ignore[arg-type]
        wrong = {"Authorization": "Token wrong"}
        assert client.get("/r", headers=wrong).json() == {"checked": False}
        assert client.get("/r?who=1", headers=wrong).status_code == 401


def test_post_and_files(protocol: str) -> None:
    class Form(APIView):
        def post(self, request: Any) -> Response:
            return Response(
                {
                    "POST": request.POST.to_dict() if request.POST else {},
                    "files": sorted(request.FILES),
                    "data": sorted(request.data),
                }
            )

    with make_app(Form).test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.post("/r", data={"a": "1"}, files={"f": ("x.txt", b"abc")})
        assert response.json() == {"POST": {"a": "1"}, "files": ["f"], "data": ["a", "f"]}
        response = client.post("/r", json={"a": 1})
        assert response.json() == {"POST": {}, "files": [], "data": ["a"]}


def test_empty_bodies(protocol: str) -> None:
    class Echo(APIView):
        def post(self, request: Any) -> Response:
            return Response({"type": type(request.data).__name__, "len": len(request.data)})

    with make_app(Echo).test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.post("/r").json() == {"type": "dict", "len": 0}
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assert client.post("/r", headers=form).json() == {"type": "ImmutableMultiDict", "len": 0}


def test_clone_request_shares_parsed_state() -> None:
    app = Cupola(__name__)
    app.config["REST"] = dict(REST)
    with app.test_request_context("/r", method="GET"):  # type: ignore[attr-defined]
        from cupola import request as current

        rest = Request(current._get_current_object())  # type: ignore[attr-defined]
        rest.user = "ann"
        clone = clone_request(rest, "PUT")
        assert (clone.method, rest.method) == ("PUT", "GET")
        assert clone.user == "ann"
        assert rest.parser_context["request"] is rest


def test_repr_names_method_and_path(protocol: str) -> None:
    class Show(APIView):
        def get(self, request: Any) -> Response:
            return Response({"repr": repr(request)})

    with make_app(Show).test_client(protocol) as client:  # type: ignore[arg-type]
        text = client.get("/r?x=1").json()["repr"]
    assert text == "<cupola.rest.request.Request: GET '/r?x=1'>"


def test_wrap_attribute_errors_renames_only_attribute_errors() -> None:
    with wrap_attribute_errors():
        pass
    with pytest.raises(WrappedAttributeError, match="no name") as caught, wrap_attribute_errors():
        raise AttributeError("no name")
    assert isinstance(caught.value.__cause__, AttributeError)
    with pytest.raises(KeyError), wrap_attribute_errors():
        raise KeyError("other")
    with pytest.raises(WrappedAttributeError), wrap_attribute_errors(), wrap_attribute_errors():
        raise AttributeError("nested")
