"""Scenarios and frameworks of the benchmark suite, and how a response is checked.

Every framework implements every scenario with the same observable behaviour; the
check below runs once per (framework, scenario) before any timing and fails loudly.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
APPS_DIR = BENCH_DIR / "apps"
REPO_DIR = BENCH_DIR.parent

sys.path.insert(0, str(APPS_DIR))
from common import (  # noqa: E402
    DB_ITEM_ID,
    DB_PAGE,
    DB_PER_PAGE,
    FORM_FIELDS,
    ITEM_COUNT,
    MESSAGE,
    NOTE_BODY,
    PLAINTEXT,
    REST_PAGE,
    REST_PAGE_SIZE,
    ROWS,
    USER,
    item_json,
    item_row,
    session_text,
)

FORM_VALUES = {name: f"value {i} & more" for i, name in enumerate(FORM_FIELDS)}
FORM_BODY = urlencode(FORM_VALUES).encode()
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
SETUP_PATH = "/login"  # signs a user in; answers {"field": ..., "token": ...} (CSRF)


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # sent besides the common ones
    # Before the check and the timing, GET SETUP_PATH once: the cookies it sets go with
    # every request; with csrf, the token it returns goes into the form body too.
    login: bool = False
    csrf: bool = False


SCENARIOS = [
    Scenario("plaintext", "GET", "/plaintext"),
    Scenario("json", "GET", "/json"),
    Scenario("routing", "GET", "/r99/12345"),
    Scenario("template", "GET", "/template"),
    Scenario("form", "POST", "/form", FORM_BODY, FORM_TYPE),
    Scenario("session", "GET", "/session", login=True),
    Scenario("form_csrf", "POST", "/form_csrf", FORM_BODY, FORM_TYPE, login=True, csrf=True),
    Scenario("db_read", "GET", f"/db/item/{DB_ITEM_ID}"),
    Scenario("db_page", "GET", "/db/items"),
    Scenario("rest_list", "GET", f"/api/items/?page={REST_PAGE}"),
    Scenario("rest_create", "POST", "/api/notes/", json.dumps(NOTE_BODY).encode(), JSON_TYPE),
]
SCENARIO_NAMES = [s.name for s in SCENARIOS]
BY_NAME = {s.name: s for s in SCENARIOS}
CORE = ("plaintext", "json", "routing", "template", "form")
WEB = ("session", "form_csrf")  # sessions and CSRF: Cupola, Flask (+Flask-WTF), Django
DB = ("db_read", "db_page")  # SQLite through each one's ORM: Cupola, Flask-SQLAlchemy, Django
REST = ("rest_list", "rest_create")  # a REST list and create: Cupola, REST framework, FastAPI
SETUP = Scenario("setup", "GET", SETUP_PATH)


@dataclass(frozen=True)
class Framework:
    name: str
    module: str  # module in bench/apps
    attr: str  # attribute of that module holding the callable
    kind: str  # "wsgi" or "asgi"
    note: str
    scenarios: tuple[str, ...] = CORE
    web_attr: str | None = None  # attribute serving the WEB scenarios, when not attr
    db_attr: str | None = None  # attribute serving the DB scenarios, when not attr
    rest_attr: str | None = None  # attribute serving the REST scenarios, when not attr

    def attr_for(self, scenario: str) -> str:
        if self.db_attr and scenario in DB:
            return self.db_attr
        if self.rest_attr and scenario in REST:
            return self.rest_attr
        return self.web_attr if self.web_attr and scenario in WEB else self.attr


JSON_ONLY = ("json", "routing", "form")
ALL = CORE + WEB

FRAMEWORKS = [
    Framework(
        "cupola",
        "cupola_sync",
        "wsgi",
        "wsgi",
        "Cupola, WSGI, sync views",
        ALL + DB + REST,
        db_attr="db_wsgi",
        rest_attr="rest_wsgi",
    ),
    Framework(
        "flask",
        "flask_app",
        "wsgi",
        "wsgi",
        "Flask (+Flask-WTF, Flask-SQLAlchemy)",
        ALL + DB,
        "web_wsgi",
        "data_wsgi",
    ),
    Framework("django", "django_app", "wsgi", "wsgi", "Django, 5 default middleware", ALL + DB),
    Framework("drf", "drf_app", "wsgi", "wsgi", "Django REST framework", JSON_ONLY + REST),
    Framework("falcon", "falcon_app", "wsgi", "wsgi", "Falcon"),
    Framework("bottle", "bottle_app", "wsgi", "wsgi", "Bottle"),
    Framework("bare-wsgi", "bare_wsgi", "wsgi", "wsgi", "hand-written WSGI callable (floor)"),
    Framework(
        "bare-wsgi-safe",
        "bare_wsgi",
        "safe_wsgi",
        "wsgi",
        "hand-written WSGI callable sending Cupola's default head (floor)",
    ),
    Framework("cupola-asgi", "cupola_async", "asgi", "asgi", "Cupola, ASGI, async views", ALL),
    Framework(
        "cupola-asgi-sync",
        "cupola_sync",
        "asgi",
        "asgi",
        "Cupola, ASGI, sync views",
        ALL + REST,
        rest_attr="rest_asgi",
    ),
    Framework("starlette", "starlette_app", "asgi", "asgi", "Starlette, async endpoints"),
    Framework(
        "fastapi",
        "fastapi_app",
        "asgi",
        "asgi",
        "FastAPI, async endpoints (REST: SQLAlchemy ORM session per request, pydantic)",
        CORE + REST,
    ),
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
    "db_read": item_json(*item_row(DB_ITEM_ID)),
    "db_page": {
        "count": ITEM_COUNT,
        "items": [
            item_json(*item_row(i))
            for i in range((DB_PAGE - 1) * DB_PER_PAGE + 1, DB_PAGE * DB_PER_PAGE + 1)
        ],
    },
    "json": MESSAGE,
    "routing": {"route": 99, "id": 12345},
    "form": FORM_VALUES,
    "form_csrf": FORM_VALUES,
}
EXPECTED_TYPE = {"plaintext": "text/plain", "template": "text/html", "session": "text/plain"}
SESSION_BODY = session_text(USER).encode()


def _check_rest(scenario: str, status: int, body: bytes) -> None:
    answer = _json(body)
    if scenario == "rest_create":
        if status != 201 or not isinstance(answer, dict):
            raise WrongResponse(f"status {status}, body {body[:300]!r}")
        if not isinstance(answer.pop("id", None), int) or answer != NOTE_BODY:
            raise WrongResponse(f"body {body[:300]!r}, expected an id and {NOTE_BODY!r}")
        return
    first = (REST_PAGE - 1) * REST_PAGE_SIZE + 1
    expected = [item_json(*item_row(i)) for i in range(first, first + REST_PAGE_SIZE)]
    if (
        status != 200
        or not isinstance(answer, dict)
        or list(answer) != ["count", "next", "previous", "results"]
        or answer["count"] != ITEM_COUNT
        or answer["results"] != expected
        or not str(answer["next"]).endswith(f"/api/items/?page={REST_PAGE + 1}")
        or not str(answer["previous"]).endswith(f"/api/items/?page={REST_PAGE - 1}")
    ):
        raise WrongResponse(f"status {status}, body {body[:300]!r}")


def check_response(scenario: str, status: int, content_type: str, body: bytes) -> None:
    """Raise WrongResponse unless (status, content type, body) is the scenario's answer."""
    if scenario in REST:
        if not content_type.lower().startswith("application/json"):
            raise WrongResponse(f"content-type {content_type!r}, expected application/json")
        _check_rest(scenario, status, body)
        return
    if status != 200:
        raise WrongResponse(f"status {status}, body {body[:300]!r}")
    expected_type = EXPECTED_TYPE.get(scenario, "application/json")
    if not content_type.lower().startswith(expected_type):
        raise WrongResponse(f"content-type {content_type!r}, expected {expected_type}")
    if scenario in ("plaintext", "session"):
        expected = PLAINTEXT.encode() if scenario == "plaintext" else SESSION_BODY
        if body != expected:
            raise WrongResponse(f"body {body[:200]!r}, expected {expected!r}")
    elif scenario == "template":
        _check_template(body)
    elif _json(body) != EXPECTED_JSON[scenario]:
        raise WrongResponse(f"body {body[:300]!r}, expected {EXPECTED_JSON[scenario]!r}")


def prepare(
    scenario: Scenario, status: int, headers: Iterable[tuple[str, str]], body: bytes
) -> Scenario:
    """The scenario's request, completed from the answer to SETUP (GET /login).

    The cookies set by the answer become a Cookie header; for a CSRF scenario, the
    answer's {"field": ..., "token": ...} becomes the first field of the form body.
    """
    if status != 200:
        raise WrongResponse(f"setup GET {SETUP_PATH}: status {status}, body {body[:300]!r}")
    cookies = [v.split(";", 1)[0].strip() for k, v in headers if k.lower() == "set-cookie"]
    if not cookies:
        raise WrongResponse(f"setup GET {SETUP_PATH} set no cookie")
    extra = (*scenario.headers, ("cookie", "; ".join(cookies)))
    request_body = scenario.body
    if scenario.csrf:
        answer = _json(body)
        if not isinstance(answer, dict) or not {"field", "token"} <= answer.keys():
            raise WrongResponse(f"setup GET {SETUP_PATH}: body {body[:300]!r}")
        request_body = urlencode({answer["field"]: answer["token"], **FORM_VALUES}).encode()
    return replace(scenario, headers=extra, body=request_body, login=False)


def without_token(scenario: Scenario) -> Scenario:
    """A prepared CSRF scenario's request with the cookie but no token: it must be refused."""
    return replace(scenario, body=FORM_BODY)


def check_refused(scenario: str, status: int) -> None:
    """Raise WrongResponse unless a request without its CSRF token was refused (400/403)."""
    if status not in (400, 403):
        raise WrongResponse(f"{scenario} without a CSRF token: status {status}, not 400/403")
