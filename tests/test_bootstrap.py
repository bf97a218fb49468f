"""Bootstrap's files served by the app, and the ``cupola/base.html`` layout that links them."""

from __future__ import annotations

import re

import pytest

from cupola import Cupola, flash
from cupola.exceptions import ImproperlyConfigured
from cupola.templating import render_string
from cupola.testing import TestClient

PAGE = """{% extends "cupola/base.html" %}
{% block title %}Books{% endblock %}
{% block navigation %}<nav class="navbar">Shop</nav>{% endblock %}
{% block content %}<h1>Books</h1>{% endblock %}"""


@pytest.fixture
def app() -> Cupola:
    config = {"SECRET_KEY": "s" * 32, "ALLOWED_HOSTS": ["localhost"], "BOOTSTRAP": True}
    app = Cupola(__name__, config=config)

    @app.get("/")
    def index() -> str:
        flash("Saved <b>it</b>.", "success")
        flash("Broken.", "error")
        flash("Plain note.")
        return render_string(PAGE)

    return app


def test_the_layout_links_the_local_files_and_shows_flashes(client: TestClient) -> None:
    html = client.get("/").text
    assert "<title>Books</title>" in html
    assert '<link rel="stylesheet" href="/_cupola/bootstrap/css/bootstrap.min.css">' in html
    assert '<script src="/_cupola/bootstrap/js/bootstrap.min.js"></script>' in html
    assert '<nav class="navbar">Shop</nav>' in html
    assert '<main class="container py-4">' in html and "<h1>Books</h1>" in html
    assert (
        '<div class="alert alert-success" role="status">Saved &lt;b&gt;it&lt;/b&gt;.</div>' in html
    )
    assert '<div class="alert alert-danger" role="alert">Broken.</div>' in html
    assert '<div class="alert alert-info" role="status">Plain note.</div>' in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "nothing is fetched from elsewhere"


def test_the_files_are_served(client: TestClient) -> None:
    css = client.get("/_cupola/bootstrap/css/bootstrap.min.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "Bootstrap" in css.text[:200] and "v5." in css.text[:200]
    js = client.get("/_cupola/bootstrap/js/bootstrap.min.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert client.get("/_cupola/bootstrap/umd/popper.min.js").status_code == 200
    assert client.get("/_cupola/bootstrap/../../__init__.py").status_code == 404


def test_off_by_default_the_layout_links_nothing(app: Cupola, client: TestClient) -> None:
    app.config["BOOTSTRAP"] = False  # the default
    html = client.get("/").text
    assert "bootstrap" not in html and "<h1>Books</h1>" in html
    assert client.get("/_cupola/bootstrap/css/bootstrap.min.css").status_code == 404


def test_required_but_missing_names_the_extra(app: Cupola, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cupola.bootstrap._PACKAGE", "no_such_bootstrap_package")
    with pytest.raises(ImproperlyConfigured, match=r"cupola\[bootstrap\]"):
        app.build()
