"""The showcase's REST API (/api/v1/): viewsets, tokens, throttles, versions, OpenAPI."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from cupola.testing import TestClient

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a package at the repository root
    sys.path.insert(0, str(ROOT))

from cupola.rest.authtoken import token_for  # noqa: E402
from examples.showcase.app import app  # noqa: E402
from examples.showcase.rest_api import REST_SETTINGS  # noqa: E402
from examples.showcase.users import create_user  # noqa: E402

pytestmark = pytest.mark.usefixtures("showcase_database")


@pytest.fixture(params=["wsgi", "asgi"])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    with app.test_client(request.param) as client:
        yield client


def reader() -> tuple[str, dict[str, str]]:
    """A new account and its ``Authorization`` header."""
    name = f"reader-{uuid.uuid4().hex[:10]}"
    with app.app_context():
        key = token_for(create_user(name, "a fine long passphrase")).key
    return name, {"Authorization": f"Token {key}"}


def test_lists_and_root(client: TestClient) -> None:
    root = client.get("/api/v1/").json()
    assert list(root) == ["books", "authors", "reviews"]
    books = client.get("/api/v1/books/?ordering=-year").json()
    assert books["count"] >= 5 and books["previous"] is None
    years = [book["year"] for book in books["results"]]
    assert years == sorted(years, reverse=True)
    emma = client.get("/api/v1/books/?search=matchmaker").json()["results"]
    assert [b["title"] for b in emma] == ["Emma"]
    assert emma[0]["price"] == f"{emma[0]['price_cents'] / 100:.2f}"  # cents as a decimal
    assert client.get("/api/v2/books/").json() == {"detail": "Invalid version in URL path."}
    # The hand-written endpoints stay as they were.
    assert client.get("/api/books/2").json()["title"] == "Emma"


def test_token_writes_and_review_ownership(client: TestClient) -> None:
    anonymous = client.post("/api/v1/reviews/", json={"book": 1, "rating": 5, "body": "Yes"})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Token"
    name, auth = reader()
    made = client.post(
        "/api/v1/reviews/", json={"book": 1, "rating": 5, "body": "Yes"}, headers=auth
    )
    assert made.status_code == 201
    assert made.json()["user"] == name
    again = client.post(
        "/api/v1/reviews/", json={"book": 1, "rating": 4, "body": "!"}, headers=auth
    )
    assert again.json() == {"book": ["You have already reviewed this book."]}
    bad = client.post("/api/v1/reviews/", json={"book": 2, "rating": 9, "body": ""}, headers=auth)
    assert bad.json() == {
        "rating": ["Ensure this value is less than or equal to 5."],
        "body": ["This field may not be blank."],
    }
    _, other = reader()
    review = f"/api/v1/reviews/{made.json()['id']}/"
    refused = client.patch(review, json={"rating": 1}, headers=other)
    assert refused.status_code == 403
    assert client.patch(review, json={"rating": 4}, headers=auth).json()["rating"] == 4
    assert client.delete(review, headers=auth).status_code == 204


def test_throttled(client: TestClient) -> None:
    rates = {"anon": "1/min", "user": "1000/min"}
    app.config["REST"] = {**REST_SETTINGS, "DEFAULT_THROTTLE_RATES": rates}
    try:
        answers = [client.get("/api/v1/authors/").status_code for _ in range(3)]
    finally:
        app.config["REST"] = REST_SETTINGS
    assert answers[-1] == 429
    assert client.get("/api/v1/authors/").status_code == 200  # 300/min again


def test_openapi_and_browsable(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    validate(document)
    assert document["info"]["title"] == "Cupola Books API"
    assert set(document["components"]["securitySchemes"]) == {"Token", "Session"}
    version = document["paths"]["/api/{version}/books/"]["get"]["parameters"][0]
    assert version["schema"] == {"type": "string", "enum": ["v1"]}
    assert client.get("/api/docs/").status_code == 200
    page = client.get("/api/v1/books/", headers={"Accept": "text/html"})
    assert "<h1>Book List</h1>" in page.text
    assert 'href="/accounts/login?next=%2Fapi%2Fv1%2Fbooks%2F"' in page.text
