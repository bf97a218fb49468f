"""Scenarios and frameworks of the benchmark suite, and how a response is checked.

Every framework implements every scenario with the same observable behaviour; the
check below runs once per (framework, scenario) before any timing and fails loudly.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
APPS_DIR = BENCH_DIR / "apps"
REPO_DIR = BENCH_DIR.parent

sys.path.insert(0, str(APPS_DIR))
from common import FORM_FIELDS, MESSAGE, PLAINTEXT, ROWS  # noqa: E402

FORM_VALUES = {name: f"value {i} & more" for i, name in enumerate(FORM_FIELDS)}
FORM_BODY = urlencode(FORM_VALUES).encode()
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None


SCENARIOS = [
    Scenario("plaintext", "GET", "/plaintext"),
    Scenario("json", "GET", "/json"),
    Scenario("routing", "GET", "/r99/12345"),
    Scenario("template", "GET", "/template"),
    Scenario("form", "POST", "/form", FORM_BODY, FORM_TYPE),
]
SCENARIO_NAMES = [s.name for s in SCENARIOS]
BY_NAME = {s.name: s for s in SCENARIOS}


@dataclass(frozen=True)
class Framework:
    name: str
    module: str  # module in bench/apps
    attr: str  # attribute of that module holding the callable
    kind: str  # "wsgi" or "asgi"
    note: str
    scenarios: tuple[str, ...] = tuple(SCENARIO_NAMES)


JSON_ONLY = ("json", "routing", "form")

FRAMEWORKS = [
    Framework("cupola", "cupola_sync", "wsgi", "wsgi", "Cupola, WSGI, sync views"),
    Framework("flask", "flask_app", "wsgi", "wsgi", "Flask"),
    Framework("django", "django_app", "wsgi", "wsgi", "Django, no DB, 4 default middleware"),
    Framework("drf", "drf_app", "wsgi", "wsgi", "Django REST framework", JSON_ONLY),
    Framework("falcon", "falcon_app", "wsgi", "wsgi", "Falcon"),
    Framework("bottle", "bottle_app", "wsgi", "wsgi", "Bottle"),
    Framework("bare-wsgi", "bare_wsgi", "wsgi", "wsgi", "hand-written WSGI callable (floor)"),
    Framework("cupola-asgi", "cupola_async", "asgi", "asgi", "Cupola, ASGI, async views"),
    Framework("cupola-asgi-sync", "cupola_sync", "asgi", "asgi", "Cupola, ASGI, sync views"),
    Framework("starlette", "starlette_app", "asgi", "asgi", "Starlette, async endpoints"),
    Framework("fastapi", "fastapi_app", "asgi", "asgi", "FastAPI, async endpoints"),
    Framework("litestar", "litestar_app", "asgi", "asgi", "Litestar, async handlers"),
    Framework("bare-asgi", "bare_asgi", "asgi", "asgi", "hand-written ASGI callable (floor)"),
]
FRAMEWORK_NAMES = [f.name for f in FRAMEWORKS]
FRAMEWORK_BY_NAME = {f.name: f for f in FRAMEWORKS}


class WrongResponse(AssertionError):
    """A framework answered a scenario incorrectly."""


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise WrongResponse(f"body is not JSON: {body[:200]!r}") from exc


def _check_template(body: bytes) -> None:
    text = body.decode()
    for row in ROWS:
        cells = f"<td>{row['id']}</td><td>{escape(row['name'], quote=False)}</td>"
        cells += f"<td>{row['price']:.2f}</td>"
        if f"<tr>{cells}</tr>" not in text:
            raise WrongResponse(f"template row {row['id']} missing or unescaped")
    if "<Deluxe>" in text:
        raise WrongResponse("template output is not autoescaped")
    if text.count("<tr>") != len(ROWS) + 1:
        raise WrongResponse("template has the wrong number of rows")


EXPECTED_JSON = {
    "json": MESSAGE,
    "routing": {"route": 99, "id": 12345},
    "form": FORM_VALUES,
}
EXPECTED_TYPE = {"plaintext": "text/plain", "template": "text/html"}


def check_response(scenario: str, status: int, content_type: str, body: bytes) -> None:
    """Raise WrongResponse unless (status, content type, body) is the scenario's answer."""
    if status != 200:
        raise WrongResponse(f"status {status}, body {body[:300]!r}")
    expected_type = EXPECTED_TYPE.get(scenario, "application/json")
    if not content_type.lower().startswith(expected_type):
        raise WrongResponse(f"content-type {content_type!r}, expected {expected_type}")
    if scenario == "plaintext":
        if body != PLAINTEXT.encode():
            raise WrongResponse(f"body {body[:200]!r}")
    elif scenario == "template":
        _check_template(body)
    elif _json(body) != EXPECTED_JSON[scenario]:
        raise WrongResponse(f"body {body[:300]!r}, expected {EXPECTED_JSON[scenario]!r}")
