"""Application configuration: a dict of upper-case keys with documented defaults.

Values come from the constructor's ``config=``, objects (``from_object``), Python files
(``from_pyfile``), TOML or other files (``from_file``) and environment variables
(``from_env``, ``from_prefixed_env``). Relative file names are resolved in ``root_path``:
the app's folder, or its instance folder with ``instance_relative_config=True``. The app
reads the values it needs on the hot path once, when it is built; changing a key
afterwards rebuilds it on the next request.
"""

from __future__ import annotations

import copy
import json
import os
import tomllib
import types
from collections.abc import Callable, Mapping
from typing import Any

from cupola.exceptions import ImproperlyConfigured
from cupola.importing import import_string

DEFAULTS: dict[str, Any] = {
    "DEBUG": False,
    "TESTING": False,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": [],  # older keys still accepted, for rotation without logouts
    "PROPAGATE_EXCEPTIONS": None,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "PREFERRED_URL_SCHEME": "http",
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1000,
    "MAX_FORM_FILES": 100,
    "TEMPLATES_AUTO_RELOAD": None,
    "TEMPLATES_UNESCAPED_SUFFIXES": (".txt",),  # names not autoescaped (case-insensitive)
    # The default stack, outermost first; set MIDDLEWARE to replace it.
    "MIDDLEWARE": [
        "cupola.security:ProxyHeadersMiddleware",
        "cupola.security:TrustedHostMiddleware",
        "cupola.security:SecurityHeadersMiddleware",
        "cupola.sessions:SessionMiddleware",
        "cupola.csrf:CsrfMiddleware",
    ],
    "ASGI_THREADS": 40,
    # cupola.static; max ages in seconds. STATIC_MAX_AGE None sends no-cache (revalidate).
    "STATIC_MAX_AGE": None,
    "STATIC_URL_HASH": False,  # url_for("static", …) appends ?v=<content hash>
    "STATIC_HASHED_MAX_AGE": 31536000,  # sent with "immutable" when ?v= is current
    # cupola.bootstrap: True serves Bootstrap's files (pip install 'cupola[bootstrap]').
    "BOOTSTRAP": False,
    # cupola.sessions
    "SESSION_BACKEND": "cookie",  # or "memory://", "redis://host:6379/0", a SessionStore
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": "/",
    "SESSION_COOKIE_SECURE": False,  # Secure is also set whenever the request is HTTPS
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 31 * 24 * 60 * 60,  # seconds (31 days), or a timedelta
    "SESSION_REFRESH_EACH_REQUEST": True,
    "SESSION_KEY_PREFIX": "cupola:session:",  # Redis store keys: prefix + session id
    # While Redis is down: "closed" answers 503 with Retry-After, "open" carries on without
    # it (docs/security.md). Parts: sessions, cache, throttle, channels.
    "OUTAGE_POLICY": {
        "sessions": "closed",
        "cache": "closed",
        "throttle": "closed",
        "channels": "closed",
    },
    # cupola.security; ALLOWED_HOSTS may stay None only with DEBUG or TESTING on.
    "ALLOWED_HOSTS": None,
    "TRUSTED_PROXIES": [],
    "SECURE_CONTENT_TYPE_NOSNIFF": True,
    "X_FRAME_OPTIONS": "DENY",
    "SECURE_REFERRER_POLICY": "same-origin",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
    "SECURE_HSTS_SECONDS": 0,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
    "SECURE_HSTS_PRELOAD": False,
    "SECURE_SSL_REDIRECT": False,
    "CONTENT_SECURITY_POLICY": None,
    # cupola.csrf; the failure view is view(request, reason) or its dotted path.
    "CSRF_ENABLED": True,
    "CSRF_TRUSTED_ORIGINS": [],  # "https://example.com", "https://*.example.com"
    "CSRF_HEADER_NAME": "X-CSRFToken",
    "CSRF_FIELD_NAME": "csrf_token",
    "CSRF_FAILURE_VIEW": None,
    # cupola.websockets; a larger message closes its connection with 1009. None: no limit.
    "WEBSOCKET_MAX_MESSAGE_SIZE": 1024 * 1024,
    # cupola.channels; CHANNEL_LAYER is "memory://", "redis://host:6379/0" or a ChannelLayer.
    "CHANNEL_LAYER": "memory://",
    "CHANNEL_CAPACITY": 100,  # messages queued per channel; when full the oldest is dropped
    "CHANNEL_EXPIRY": 60,  # seconds an unread message waits before it is dropped
    "CHANNEL_GROUP_EXPIRY": 86400,  # seconds a group membership lasts unless re-added
    "CHANNEL_PREFIX": "cupola:channels:",  # Redis key prefix
    # cupola.db; DATABASE_URL None is a SQLite file app.db in the instance folder.
    "DATABASE_URL": None,
    "DATABASE_ATOMIC_REQUESTS": False,  # one transaction per request, committed unless 5xx
    "DATABASE_POOL_SIZE": None,  # None keeps SQLAlchemy's defaults (5 connections)
    "DATABASE_MAX_OVERFLOW": None,  # (10 more under load)
    "DATABASE_POOL_TIMEOUT": None,  # (30 seconds to wait for a connection)
    "DATABASE_POOL_RECYCLE": None,  # seconds after which a connection is replaced
    "DATABASE_ECHO": False,
    "DATABASE_ENGINE_OPTIONS": {},  # more create_engine() arguments
    # cupola.cache; CACHE_URL may also be a cupola.cache.Cache instance.
    "CACHE_URL": "memory://",  # or "redis://host:6379/0", shared by every process
    "CACHE_KEY_PREFIX": "cupola:cache:",
    "CACHE_DEFAULT_TTL": 300,  # seconds; None keeps entries until evicted or deleted
    "CACHE_MAX_ENTRIES": 10_000,  # memory:// only: the least recently used go first
    # cupola.auth; LOGIN_URL is a path or an endpoint name such as "accounts.login".
    "LOGIN_URL": "/login",
    "LOGIN_THROTTLE_LIMIT": 5,  # failed logins per user name and address per window; 0: off
    "LOGIN_THROTTLE_WINDOW": 300,  # seconds
    "LOGIN_THROTTLE_ADDRESS_LIMIT": 20,  # attempts per address over all user names; 0: off
    # Security counters (login throttles): None keeps them beside the cache, out of its reach.
    "SECURITY_STORE_URL": None,
    "SECURITY_KEY_PREFIX": "cupola:security:",
    "PASSWORD_HASH_PARAMS": None,  # {"n": 2**17, "r": 8, "p": 1}: scrypt's cost (None: these)
    # Error pages: a template of the app's (code, name, description, error) for every
    # error page no handler claims; Cupola's built-in page when the app has none.
    "ERROR_TEMPLATE": "error.html",
    # cupola.debug: the toolbar and the debug error page, with DEBUG on only.
    "INTERNAL_IPS": ["127.0.0.1", "::1"],  # addresses (or networks) that see the toolbar
    "DEBUG_TOOLBAR_HISTORY": 50,  # requests and WebSocket sessions /__debug__/ keeps
}


class Config(dict[str, Any]):
    """The configuration of one app; a ``dict`` with loaders.

    Args:
        defaults: Initial values (the app passes :data:`DEFAULTS`); deep-copied, so that
            apps never share a mutable default such as ``MIDDLEWARE``.
        on_change: Called after any key changes.
        root_path: The folder relative file names are resolved in (default: the working
            directory).
    """

    def __init__(
        self,
        defaults: Mapping[str, Any] | None = None,
        on_change: Callable[[], None] = lambda: None,
        root_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(copy.deepcopy(dict(defaults or {})))
        self._on_change = on_change
        self.root_path = os.fspath(root_path) if root_path is not None else os.getcwd()
        #: The default prefix of :meth:`from_prefixed_env` (``"FLASK"`` for ``cupola.flask``).
        self.env_prefix = "CUPOLA"

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._on_change()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._on_change()

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Update like ``dict.update``, then notify the app."""
        super().update(*args, **kwargs)
        self._on_change()

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Like ``dict.setdefault``, then notify the app."""
        value = super().setdefault(key, default)
        self._on_change()
        return value

    def pop(self, key: str, *default: Any) -> Any:
        """Like ``dict.pop``, then notify the app."""
        value = super().pop(key, *default)
        self._on_change()
        return value

    def popitem(self) -> tuple[str, Any]:
        """Like ``dict.popitem``, then notify the app."""
        item = super().popitem()
        self._on_change()
        return item

    def clear(self) -> None:
        """Like ``dict.clear``, then notify the app."""
        super().clear()
        self._on_change()

    def __ior__(self, other: Any) -> Config:  # type: ignore[override,misc]  # dict's is generic
        self.update(other)
        return self

    def from_mapping(self, mapping: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        """Load the upper-case keys of ``mapping`` and ``kwargs``."""
        items = {**(mapping or {}), **kwargs}
        self.update({key: value for key, value in items.items() if key.isupper()})

    def from_object(self, obj: object | str) -> None:
        """Load the upper-case attributes of an object, class or module (or dotted path).

        Example:
            >>> class Settings:
            ...     DEBUG = True
            >>> config = Config()
            >>> config.from_object(Settings)
            >>> config["DEBUG"]
            True
        """
        if isinstance(obj, str):
            obj = import_string(obj)
        self.update({key: getattr(obj, key) for key in dir(obj) if key.isupper()})

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Load the upper-case names a Python file defines, as Flask does.

        Args:
            filename: The file, relative to ``root_path`` (or absolute).
            silent: Return ``False`` instead of raising when the file does not exist.

        Raises:
            ImproperlyConfigured: When the file is missing (unless ``silent``).

        Example:
            >>> app.config.from_pyfile("config.py", silent=True)  # doctest: +SKIP
        """
        path = os.path.join(self.root_path, filename)
        namespace = types.ModuleType("config")
        namespace.__file__ = path
        try:
            with open(path, "rb") as file:
                code = compile(file.read(), path, "exec")
        except FileNotFoundError:
            if silent:
                return False
            raise ImproperlyConfigured(f"Config file {path!r} does not exist.") from None
        exec(code, namespace.__dict__)  # the app's own config file
        self.from_object(namespace)
        return True

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: Callable[[Any], Mapping[str, Any]] | None = None,
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load upper-case keys from a file: TOML by default, or any format ``load`` reads.

        Args:
            filename: The file, relative to ``root_path`` (or absolute).
            load: ``load(file) -> mapping``, e.g. ``json.load``; by default TOML (tables
                become dicts).
            silent: Return ``False`` instead of raising when the file does not exist.
            text: Open the file in text mode for ``load`` (``False``: binary).

        Raises:
            ImproperlyConfigured: When the file is missing (unless ``silent``) or invalid.
        """
        path = os.path.join(self.root_path, filename)
        try:
            if load is None:
                with open(path, "rb") as file:
                    data: Mapping[str, Any] = tomllib.load(file)
            else:
                with open(path, "r" if text else "rb") as file:
                    data = load(file)
        except FileNotFoundError:
            if silent:
                return False
            raise ImproperlyConfigured(f"Config file {path!r} does not exist.") from None
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            raise ImproperlyConfigured(f"Config file {path!r}: {exc}") from exc
        self.from_mapping(data)
        return True

    def from_prefixed_env(
        self, prefix: str | None = None, *, loads: Callable[[str], Any] = json.loads
    ) -> None:
        """Load environment variables named ``<prefix>_<KEY>``, as Flask does.

        The same as :meth:`from_env` with ``prefix + "_"``; ``loads`` parses each value
        (a value it refuses stays a string).

        Args:
            prefix: The prefix without its underscore; by default :attr:`env_prefix`.
            loads: Parses each value.
        """
        self.from_env(f"{prefix or self.env_prefix}_", loads=loads)

    def from_env(
        self, prefix: str = "CUPOLA_", *, loads: Callable[[str], Any] = json.loads
    ) -> None:
        """Load environment variables that start with ``prefix``.

        The prefix is removed; values are parsed as JSON when they parse (``"true"``,
        ``"42"``, ``'["a"]'``) and kept as strings otherwise. A double underscore sets a
        nested key: ``CUPOLA_REST__PAGE_SIZE=20`` sets ``config["REST"]["PAGE_SIZE"]``.
        """
        loaded: dict[str, Any] = {}
        for name in sorted(os.environ):
            if not name.startswith(prefix) or name == prefix:
                continue
            raw = os.environ[name]
            try:
                value = loads(raw)
            except ValueError:
                value = raw
            *parents, leaf = name[len(prefix) :].split("__")
            target = loaded
            for parent in parents:
                current = target.get(parent, self.get(parent) if target is loaded else None)
                target[parent] = dict(current) if isinstance(current, Mapping) else {}
                target = target[parent]
            target[leaf] = value
        self.update(loaded)

    def __repr__(self) -> str:
        return f"<Config {sorted(self)}>"
