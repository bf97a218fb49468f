"""Versioning schemes (cupola/rest/versioning.py) through APIView, against DRF 3.18's answers.

``fixtures/policies_versioning.json`` holds what DRF answered for the same requests
(``make_drf_policy_fixtures.py``); each case is replayed here on both protocols.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cupola import Blueprint, Cupola
from cupola.exceptions import BuildError
from cupola.rest import versioning
from cupola.rest.exceptions import NotAcceptable, NotFound
from cupola.rest.response import Response
from cupola.rest.reverse import reverse
from cupola.rest.views import APIView
from cupola.testing import TestClient

FIXTURES = json.loads((Path(__file__).parent / "fixtures/policies_versioning.json").read_text())


def versioned_view(scheme: type[versioning.BaseVersioning], endpoint: str) -> type[APIView]:
    class View(APIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []
        versioning_class = scheme

        def get(self, request: Any, **kwargs: Any) -> Response:
            url = request.versioning_scheme.reverse(endpoint, request=request)
            return Response({"version": request.version, "url": url})

    return View


def make_app() -> Cupola:
    app = Cupola(
        __name__,
        config={
            "TESTING": True,
            "ALLOWED_HOSTS": ["testserver", ".example.com"],
            "REST": {"ALLOWED_VERSIONS": ["v1", "v2"], "DEFAULT_VERSION": "v1"},
        },
    )
    views = [
        ("/path/<version>/books/", versioning.URLPathVersioning, "path-books"),
        ("/query/books/", versioning.QueryParameterVersioning, "query-books"),
        ("/host/books/", versioning.HostNameVersioning, "host-books"),
        ("/accept/books/", versioning.AcceptHeaderVersioning, "accept-books"),
    ]
    for rule, scheme, endpoint in views:
        app.add_url_rule(rule, view_func=versioned_view(scheme, endpoint).as_view(endpoint))
    for name in ("v1", "v3"):
        blueprint = Blueprint(name, __name__, url_prefix=f"/{name}")
        view = versioned_view(versioning.NamespaceVersioning, "books")
        blueprint.add_url_rule("/books/", view_func=view.as_view("books"))
        app.register_blueprint(blueprint)
    return app


@pytest.fixture
def client(protocol: str) -> Iterator[TestClient]:
    with make_app().test_client(protocol, base_url="http://testserver") as test_client:  # type: ignore[arg-type]
        yield test_client


@pytest.mark.parametrize("case", sorted(FIXTURES))
def test_answers_as_drf(client: TestClient, case: str) -> None:
    expected = FIXTURES[case]
    sent = expected["request"]
    response = client.request(sent["method"], sent["path"], headers=sent["headers"])
    assert response.status_code == expected["status"]
    assert response.json() == expected["body"]
    assert response.headers["content-type"] == expected["headers"]["Content-Type"]


# -- the schemes on their own -----------------------------------------------------------------


def scheme(cls: type[versioning.BaseVersioning], **attributes: Any) -> Any:
    made = cls.__new__(cls)
    for name, value in {"version_param": "version", **attributes}.items():
        setattr(made, name, value)
    return made


def test_settings_are_read_when_the_scheme_is_made() -> None:
    app = Cupola(__name__, config={"REST": {"ALLOWED_VERSIONS": ["1"], "VERSION_PARAM": "v"}})
    with app.app_context():
        made = versioning.URLPathVersioning()
    assert (made.allowed_versions, made.default_version, made.version_param) == (["1"], None, "v")
    assert repr(versioning.UNSET) == "UNSET"

    class Fixed(versioning.URLPathVersioning):
        allowed_versions = ("x",)
        default_version = "x"
        version_param = "api"

    fixed = Fixed()  # every attribute set: no settings needed, not even an app
    assert (fixed.allowed_versions, fixed.default_version, fixed.version_param) == (
        ("x",),
        "x",
        "api",
    )


def test_is_allowed_version() -> None:
    anything = scheme(versioning.BaseVersioning, allowed_versions=None, default_version=None)
    assert anything.is_allowed_version("whatever") is True
    strict = scheme(versioning.BaseVersioning, allowed_versions=["v2"], default_version="v1")
    assert strict.is_allowed_version("v1") is True  # the default always is
    assert strict.is_allowed_version("v2") is True
    assert strict.is_allowed_version("v3") is False
    assert strict.is_allowed_version(None) is False
    with pytest.raises(NotImplementedError, match=r"BaseVersioning\.determine_version"):
        strict.determine_version(None)


def test_url_path_without_a_version_value_takes_the_default() -> None:
    made = scheme(versioning.URLPathVersioning, allowed_versions=["v1"], default_version="v1")
    assert made.determine_version(None, version=None) == "v1"
    assert made.determine_version(None) == "v1"
    with pytest.raises(NotFound) as info:
        made.determine_version(None, version="v9")
    assert str(info.value.detail) == "Invalid version in URL path."


def test_namespace_takes_the_first_allowed_blueprint_name() -> None:
    made = scheme(versioning.NamespaceVersioning, allowed_versions=["v2"], default_version="v1")
    assert made.determine_version(SimpleNamespace(blueprint="api.v2.books")) == "v2"
    assert made.determine_version(SimpleNamespace(blueprint=None)) == "v1"
    with pytest.raises(NotFound):
        made.determine_version(SimpleNamespace(blueprint="api.v9"))
    request = SimpleNamespace(blueprint="api.v2.books", version="v2")
    assert made.get_versioned_viewname("book-list", request) == "api.v2.book-list"
    outside = SimpleNamespace(blueprint=None, version="v2")
    assert made.get_versioned_viewname("book-list", outside) == "v2.book-list"


def test_accept_header_refuses_with_406() -> None:
    made = scheme(versioning.AcceptHeaderVersioning, allowed_versions=["2"], default_version="1")
    request = SimpleNamespace(accepted_media_type="application/json; version=2")
    assert made.determine_version(request) == "2"
    assert made.determine_version(SimpleNamespace(accepted_media_type=None)) == "1"
    with pytest.raises(NotAcceptable) as info:
        made.determine_version(SimpleNamespace(accepted_media_type="application/json; version=3"))
    assert info.value.status_code == 406


def test_host_name_ignores_ports_and_other_shapes() -> None:
    made = scheme(versioning.HostNameVersioning, allowed_versions=["v1"], default_version=None)
    assert made.determine_version(SimpleNamespace(host="v1.example.com:8000")) == "v1"
    assert made.determine_version(SimpleNamespace(host="127.0.0.1:8000")) is None
    assert made.determine_version(SimpleNamespace(host="api.v1.example.com")) is None


def test_query_parameter_on_a_plain_request() -> None:
    made = scheme(versioning.QueryParameterVersioning, allowed_versions=None, default_version="1")
    assert made.determine_version(SimpleNamespace(query_params=None, args={"version": "7"})) == "7"


class Versions(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    versioning_class = versioning.URLPathVersioning

    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response(
            {
                "self": reverse("versions", request=request),
                "relative": request.versioning_scheme.reverse("versions", kwargs={"version": "v2"}),
                "other": reverse("plain", request=request),
                "format": reverse("versions", request=request, format="json"),
            }
        )


def test_reverse_keeps_the_version(protocol: str) -> None:
    app = Cupola(__name__, config={"TESTING": True})
    app.add_url_rule("/<version>/things/", view_func=Versions.as_view("versions"))
    app.add_url_rule("/plain/", endpoint="plain", view_func=lambda: "plain")
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        answer = client.get("/v7/things/").json()
    assert answer == {
        "self": "http://localhost/v7/things/",
        "relative": "/v2/things/",
        # An endpoint without a version value falls back to the plain URL (reverse()).
        "other": "http://localhost/plain/",
        "format": "http://localhost/v7/things/?format=json",
    }


def test_reverse_refuses_positional_args() -> None:
    app = Cupola(__name__)
    with app.app_context(), pytest.raises(Exception, match="pass kwargs"):
        scheme(versioning.BaseVersioning).reverse("x", args=[1])
    with app.app_context(), pytest.raises(BuildError):
        scheme(versioning.BaseVersioning).reverse("missing")
