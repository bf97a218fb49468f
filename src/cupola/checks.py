"""System checks: findings about an app's configuration, before it serves anyone.

``cupola check`` prints them and ``cupola serve`` runs the deployment ones at start-up. Each
:class:`Finding` has a stable id (``cupola.E001`` for errors, ``cupola.W001`` for
warnings), a message that names the setting at fault and a hint that says what to do.
Errors stop ``cupola serve``; warnings do not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cupola.app import Cupola

__all__ = ["MIN_SECRET_KEY_LENGTH", "Finding", "has_errors", "run_checks"]

#: The shortest ``SECRET_KEY`` the deployment checks accept.
MIN_SECRET_KEY_LENGTH = 32

_MEMORY = "memory://"


@dataclass(frozen=True)
class Finding:
    """One problem found by a check.

    Attributes:
        id: ``cupola.E…`` (an error) or ``cupola.W…`` (a warning).
        message: What is wrong, naming the setting.
        hint: What to do about it.
    """

    id: str
    message: str
    hint: str

    @property
    def level(self) -> Literal["error", "warning"]:
        """``"error"`` or ``"warning"``, from the id."""
        return "error" if self.id.split(".")[-1].startswith("E") else "warning"

    def __str__(self) -> str:
        return f"{self.id} ({self.level}): {self.message}\n    hint: {self.hint}"


@dataclass(frozen=True)
class _Context:
    app: Cupola
    workers: int
    allow_debug: bool


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(finding.level == "error" for finding in findings)


def run_checks(
    app: Cupola, *, deploy: bool = False, workers: int = 1, allow_debug: bool = False
) -> list[Finding]:
    """Run the checks on ``app`` and return what they found, errors first.

    Args:
        app: The app to check.
        deploy: Add the deployment checks (``DEBUG``, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
            cookies, HSTS, per-process state).
        workers: The number of worker processes the app will run in.
        allow_debug: Report ``DEBUG`` on as a warning rather than an error.

    Returns:
        The findings, errors before warnings, each group in id order.
    """
    context = _Context(app, workers, allow_debug)
    checks = list(_BASIC) + (list(_DEPLOY) if deploy else [])
    found = [finding for check in checks for finding in check(context)]
    return sorted(found, key=lambda f: (f.level != "error", f.id))


Check = Callable[[_Context], list[Finding]]


def _build(context: _Context) -> list[Finding]:
    try:
        context.app.build()
    except ImproperlyConfigured as exc:
        return [Finding("cupola.E010", f"The app cannot be built: {exc}", "Fix the setting above.")]
    return []


def _migrations(context: _Context) -> list[Finding]:
    db = context.app.extensions.get("cupola.db")
    if db is None:
        return []
    from cupola.db import migrations

    directory = migrations.find_directory(context.app)
    if directory is None:
        return []
    try:
        with context.app.app_context():
            waiting = migrations.pending(db, directory)
    except Exception as exc:  # any database error: the check reports it, never crashes
        return [
            Finding(
                "cupola.W003",
                f"Could not tell whether migrations are applied ({type(exc).__name__}: {exc}).",
                "Check DATABASE_URL and that the database answers.",
            )
        ]
    if not waiting:
        return []
    return [
        Finding(
            "cupola.W003",
            f"{len(waiting)} migration(s) in {directory!r} not applied to DATABASE_URL's "
            f"database: {', '.join(waiting)}.",
            "Run 'cupola db upgrade' before serving.",
        )
    ]


def _debug(context: _Context) -> list[Finding]:
    if not context.app.config.get("DEBUG"):
        return []
    if context.allow_debug:
        return [
            Finding(
                "cupola.W010",
                "DEBUG is on (allowed by --allow-debug): tracebacks and settings are shown "
                "to visitors.",
                "Turn DEBUG off for anything reachable from outside.",
            )
        ]
    return [
        Finding(
            "cupola.E001",
            "DEBUG is on: error pages would show tracebacks, local variables and settings.",
            "Set DEBUG = False (or pass --allow-debug to serve it anyway).",
        )
    ]


def _secret_key(context: _Context) -> list[Finding]:
    key = context.app.config.get("SECRET_KEY")
    hint = (
        "Set SECRET_KEY to a long random value from the environment, e.g. "
        "python -c 'import secrets; print(secrets.token_hex(32))'."
    )
    if not key:
        return [Finding("cupola.E002", "SECRET_KEY is not set.", hint)]
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return [
            Finding(
                "cupola.E003",
                f"SECRET_KEY has {len(key)} characters, fewer than {MIN_SECRET_KEY_LENGTH}.",
                hint,
            )
        ]
    return []


def _allowed_hosts(context: _Context) -> list[Finding]:
    hosts = context.app.config.get("ALLOWED_HOSTS")
    if not hosts:
        return [
            Finding(
                "cupola.E004",
                "ALLOWED_HOSTS is empty: only local host names would be answered.",
                'List the site\'s host names: ALLOWED_HOSTS = ["example.com"].',
            )
        ]
    if "*" in hosts:
        return [
            Finding(
                "cupola.E005",
                'ALLOWED_HOSTS contains "*": any Host header is accepted (host header '
                "poisoning of absolute URLs and password reset links).",
                'List the site\'s host names instead: ALLOWED_HOSTS = ["example.com"].',
            )
        ]
    return []


def _cookies(context: _Context) -> list[Finding]:
    config = context.app.config
    if config.get("SESSION_COOKIE_SECURE") or config.get("TRUSTED_PROXIES"):
        return []
    return [
        Finding(
            "cupola.W001",
            "SESSION_COOKIE_SECURE is off and TRUSTED_PROXIES is empty: behind a proxy that "
            "terminates HTTPS, requests look like plain HTTP, so the session cookie is sent "
            "without Secure.",
            "Set SESSION_COOKIE_SECURE = True when the site is served over HTTPS (or list "
            "the proxy in TRUSTED_PROXIES so its X-Forwarded-Proto is believed).",
        )
    ]


def _hsts(context: _Context) -> list[Finding]:
    if context.app.config.get("SECURE_HSTS_SECONDS"):
        return []
    return [
        Finding(
            "cupola.W002",
            "SECURE_HSTS_SECONDS is 0: browsers are not told to use HTTPS only.",
            "Once the site works over HTTPS, set SECURE_HSTS_SECONDS (start with 3600, "
            "then 31536000).",
        )
    ]


def _sqlite(context: _Context) -> list[Finding]:
    if context.workers < 2 or "cupola.db" not in context.app.extensions:
        return []
    url = context.app.config.get("DATABASE_URL") or "sqlite://"
    if not str(url).startswith("sqlite"):
        return []
    return [
        Finding(
            "cupola.W004",
            f"DATABASE_URL is SQLite with {context.workers} workers: writers lock the whole "
            "file, so concurrent writes wait or fail with 'database is locked'.",
            "Use PostgreSQL (DATABASE_URL = 'postgresql+psycopg://…') or serve one worker.",
        )
    ]


def _memory_state(context: _Context) -> list[Finding]:
    if context.workers < 2:
        return []
    config = context.app.config
    found: list[Finding] = []
    per_process = f"with {context.workers} workers each process keeps its own"
    redis_hint = "Point {} at Redis ('redis://host:6379/0'), or serve one worker."
    if config.get("SESSION_BACKEND") == _MEMORY:
        found.append(
            Finding(
                "cupola.W005",
                f"SESSION_BACKEND is {_MEMORY!r}: {per_process} sessions, so a visitor is "
                "signed out whenever another worker answers.",
                redis_hint.format("SESSION_BACKEND"),
            )
        )
    if config.get("CACHE_URL") == _MEMORY:
        found.append(
            Finding(
                "cupola.W006",
                f"CACHE_URL is {_MEMORY!r}: {per_process} cache, so entries and "
                "invalidations are not shared.",
                redis_hint.format("CACHE_URL"),
            )
        )
        found.append(
            Finding(
                "cupola.W007",
                f"Throttles count in the cache (CACHE_URL is {_MEMORY!r}): {per_process} "
                f"counters, so a limit of N lets about N x {context.workers} through.",
                redis_hint.format("CACHE_URL"),
            )
        )
    if config.get("CHANNEL_LAYER", _MEMORY) == _MEMORY and _has_websockets(context.app):
        found.append(
            Finding(
                "cupola.W008",
                f"CHANNEL_LAYER is {_MEMORY!r}: {per_process} groups, so a broadcast "
                "reaches only the WebSockets of the worker that sent it.",
                redis_hint.format("CHANNEL_LAYER"),
            )
        )
    return found


def _has_websockets(app: Cupola) -> bool:
    try:
        return any(rule.websocket for rule in app.iter_rules())
    except ImproperlyConfigured:
        return False


_BASIC: tuple[Check, ...] = (_build, _migrations)
_DEPLOY: tuple[Check, ...] = (
    _debug,
    _secret_key,
    _allowed_hosts,
    _cookies,
    _hsts,
    _sqlite,
    _memory_state,
)
