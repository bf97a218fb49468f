"""Trusted hosts: ALLOWED_HOSTS matching without ports, the 400, defaults and bad settings."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola, Middleware
from cupola.exceptions import BadRequest, ImproperlyConfigured
from cupola.security import DEFAULT_MIDDLEWARE, TrustedHostMiddleware
from cupola.testing import TestClient


def serve(app: Cupola, **config: Any) -> None:
    app.config.update(config)
    app.add_middleware(TrustedHostMiddleware)
    app.get("/")(lambda: "ok")


@pytest.mark.parametrize(
    ("allowed", "host", "served"),
    [
        (["example.com"], "example.com", True),
        (["example.com"], "example.com:8000", True),
        (["example.com"], "EXAMPLE.com", True),
        (["example.com"], "example.com.", True),
        (["Example.COM"], "example.com", True),
        (["example.com"], "www.example.com", False),
        (["example.com"], "example.com.evil.test", False),
        (["example.com"], "evilexample.com", False),
        ([".example.com"], "example.com", True),
        ([".example.com"], "api.example.com:443", True),
        ([".example.com"], "a.b.example.com", True),
        ([".example.com"], "evilexample.com", False),
        ([".example.com"], "example.com.evil.test", False),
        (["*"], "anything.test:1234", True),
        (["127.0.0.1"], "127.0.0.1:8000", True),
        (["127.0.0.1"], "127.0.0.2", False),
        (["[::1]"], "[::1]:8000", True),
        (["[::1]"], "[::2]", False),
        (["a.test", "b.test"], "b.test", True),
    ],
)
def test_allowed_hosts_table(
    app: Cupola, client: TestClient, allowed: list[str], host: str, served: bool
) -> None:
    serve(app, ALLOWED_HOSTS=allowed)
    response = client.get("/", headers={"host": host})
    assert response.status_code == (200 if served else 400)
    assert ("ok" if served else "is not served here") in response.text


def test_refusal_never_shows_the_setting_and_escapes_the_host(
    app: Cupola, client: TestClient
) -> None:
    serve(app, ALLOWED_HOSTS=["internal-admin.example", ".corp.example"])
    response = client.get("/", headers={"host": "x'y.test:81"})
    assert response.status_code == 400
    assert "internal-admin" not in response.text
    assert "corp.example" not in response.text
    assert "x'y" not in response.text
    assert "x&#x27;y.test" in response.text


def test_a_malformed_host_is_400(app: Cupola, client: TestClient) -> None:
    serve(app, ALLOWED_HOSTS=["*"])
    response = client.get("/", headers={"host": "bad host"})
    assert response.status_code == 400
    assert "malformed" in response.text


def test_a_malformed_host_is_400_when_hosts_are_listed(app: Cupola, client: TestClient) -> None:
    serve(app, ALLOWED_HOSTS=["localhost"])
    assert client.get("/", headers={"host": "localhost:99999"}).status_code == 400


def test_the_400_goes_through_error_handlers(app: Cupola, client: TestClient) -> None:
    serve(app, ALLOWED_HOSTS=["example.com"])

    @app.errorhandler(400)
    def bad_request(error: BadRequest) -> tuple[str, int]:
        return "custom refusal", 400

    response = client.get("/", headers={"host": "evil.test"})
    assert (response.status_code, response.text) == (400, "custom refusal")


def test_many_hosts_are_each_checked(app: Cupola, client: TestClient) -> None:
    serve(app, ALLOWED_HOSTS=[".example.com"])
    for number in range(300):  # more than the remembered hosts
        assert client.get("/", headers={"host": f"h{number}.example.com"}).status_code == 200
    assert client.get("/", headers={"host": "h1.example.com.evil.test"}).status_code == 400
    assert client.get("/", headers={"host": "h1.example.com:8080"}).status_code == 200


@pytest.mark.parametrize("flag", ["DEBUG", "TESTING"])
@pytest.mark.parametrize(
    ("host", "served"),
    [
        ("localhost", True),
        ("localhost:5000", True),
        ("127.0.0.1:5000", True),
        ("[::1]:5000", True),
        ("example.com", False),
    ],
)
def test_unset_allowed_hosts_serve_local_hosts_in_debug_and_testing(
    app: Cupola, client: TestClient, flag: str, host: str, served: bool
) -> None:
    serve(app, **{flag: True})
    assert client.get("/", headers={"host": host}).status_code == (200 if served else 400)


def test_testing_also_serves_testserver(app: Cupola, client: TestClient) -> None:
    serve(app, TESTING=True)
    assert client.get("/", headers={"host": "testserver"}).status_code == 200


def test_the_test_client_works_with_the_default_stack(app: Cupola, client: TestClient) -> None:
    app.config.update(TESTING=True, MIDDLEWARE=list(DEFAULT_MIDDLEWARE))
    app.get("/")(lambda: "ok")
    assert client.get("/").text == "ok"


def test_unset_allowed_hosts_outside_debug_serves_local_hosts_only(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["ALLOWED_HOSTS"] = None
    app.config["MIDDLEWARE"] = ["cupola.security.TrustedHostMiddleware"]
    app.get("/")(lambda: "ok")
    with caplog.at_level("WARNING", logger="cupola.security"):
        assert client.get("/", headers={"host": "localhost:8000"}).text == "ok"
    assert "ALLOWED_HOSTS is not set" in caplog.text
    refused = client.get("/", headers={"host": "example.com"})
    assert refused.status_code == 400
    assert "not served here" in refused.text


def test_empty_allowed_hosts_serves_nothing(app: Cupola, client: TestClient) -> None:
    app.config["ALLOWED_HOSTS"] = []
    app.config["MIDDLEWARE"] = ["cupola.security.TrustedHostMiddleware"]
    app.get("/")(lambda: "ok")
    assert client.get("/").status_code == 400


@pytest.mark.parametrize(
    "setting",
    [
        "example.com",
        42,
        ["example.com:8000"],
        ["*.example.com"],
        ["http://example.com"],
        ["example.com/"],
        [""],
        ["::1"],
        [42],
    ],
)
def test_invalid_allowed_hosts_are_reported(app: Cupola, setting: Any) -> None:
    serve(app, ALLOWED_HOSTS=setting)
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        app.build()


class CountingHosts(TrustedHostMiddleware):
    calls = 0

    def process_request(self, request: Any) -> None:
        CountingHosts.calls += 1
        return super().process_request(request)


def test_a_subclass_overriding_process_request_sees_every_request(
    app: Cupola, client: TestClient
) -> None:
    CountingHosts.calls = 0
    app.config["ALLOWED_HOSTS"] = ["localhost"]
    app.add_middleware(CountingHosts)
    app.get("/")(lambda: "ok")
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 200]
    assert CountingHosts.calls == 3


class Counting(Middleware):
    calls = 0

    def process_request(self, request: Any) -> None:
        Counting.calls += 1


def test_other_request_hooks_run_for_hosts_seen_before(app: Cupola, client: TestClient) -> None:
    Counting.calls = 0
    serve(app, ALLOWED_HOSTS=["localhost"])
    app.add_middleware(Counting)
    assert [client.get("/").status_code for _ in range(2)] == [200, 200]
    assert client.get("/", headers={"Host": "evil.test"}).status_code == 400
    assert Counting.calls == 2
