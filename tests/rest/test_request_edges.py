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
