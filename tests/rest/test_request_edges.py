"""The REST request at its edges: files read first, lazy authentication, copies."""

from __future__ import annotations

import copy
from typing import Any

from cupola.rest.browsable import apply_form_overrides
from cupola.rest.response import Response
from cupola.rest.views import APIView
from tests.rest.test_request import Token, make_app


def test_files_read_before_the_data(protocol: str) -> None:
    class Upload(APIView):
        def post(self, request: Any) -> Response:
            files = {key: upload.read().decode() for key, upload in request.FILES.items()}
            return Response({"files": files, "data": request.data})

    with make_app(Upload).test_client(protocol) as client:  # type: ignore[arg-type]
        answer = client.post("/r", json={"title": "Dune"})
    assert answer.json() == {"files": {}, "data": {"title": "Dune"}}  # a JSON body: no files


def test_lazy_authentication(protocol: str) -> None:
    class Lazy(APIView):
        """Authenticates on first use (``perform_authentication`` does nothing)."""

        authentication_classes = [Token]
        permission_classes: list[Any] = []

        def perform_authentication(self, request: Any) -> None:
            pass

        def get(self, request: Any) -> Response:
            if "who" in request.query_params:
                used = request.successful_authenticator
                user = request.user
                name = user["name"] if isinstance(user, dict) else None
                return Response({"used": type(used).__name__, "user": name})
            before = request.auth
            request.auth = "replaced"
            return Response({"before": before, "after": request.auth})

    with make_app(Lazy).test_client(protocol) as client:  # type: ignore[arg-type]
        ann = {"Authorization": "Token ann"}
        assert client.get("/r", headers=ann).json() == {"before": "token-ann", "after": "replaced"}
        assert client.get("/r?who", headers=ann).json() == {
            "used": "Token",
            "user": "ann",
        }
        assert client.get("/r?who").json() == {"used": "NoneType", "user": None}


def test_copy_of_a_request_and_overrides_outside_form_posts(protocol: str) -> None:
    class Copy(APIView):
        def post(self, request: Any) -> Response:
            apply_form_overrides(request)  # a JSON body: never an override
            twin = copy.copy(request)
            return Response({"method": twin.method, "data": twin.data, "path": twin.path})

    with make_app(Copy).test_client(protocol) as client:  # type: ignore[arg-type]
        answer = client.post("/r", json={"_method": "DELETE"})
    assert answer.json() == {"method": "POST", "data": {"_method": "DELETE"}, "path": "/r"}


def test_none_values_are_worked_out_once(protocol: str) -> None:
    runs: list[str] = []

    class Nothing(APIView):
        def post(self, request: Any) -> Response:
            original = request._authenticate
            request._authenticate = lambda: runs.append("auth") or original()
            request._load_data_and_files = lambda: runs.append("parse") or loader()
            loader = type(request)._load_data_and_files.__get__(request)
            values = [request.data, request.data, request.user, request.auth, request.user]
            return Response({"values": values})

    app = make_app(Nothing)
    app.config["REST"] = {**app.config["REST"], "UNAUTHENTICATED_USER": None}
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        answer = client.post("/r", content=b"null", headers={"Content-Type": "application/json"})
    assert answer.json() == {"values": [None, None, None, None, None]}  # a JSON null body
    assert runs == ["parse"]  # the view authenticated before the handler, once
