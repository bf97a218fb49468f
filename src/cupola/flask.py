"""Flask's names on Cupola: ``from flask import X`` becomes ``from cupola.flask import X``.

:class:`Flask` is a :class:`~cupola.Cupola` that takes Flask's constructor arguments and
whose test client answers with Werkzeug-style responses (``.data``, ``.get_json()``). The
functions are Cupola's own, under Flask's names and signatures; what differs, and why, is
listed in ``docs/coming-from-flask.md`` (CSRF protection is on, for instance).
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

from cupola.app import Cupola, current_app
from cupola.blueprints import Blueprint
from cupola.context import (
    activate,
    deactivate,
    g,
    get_request,
    has_app_context,
    has_request_context,
    request,
    session,
    stream_with_context,
)
from cupola.exceptions import ImproperlyConfigured, NotFound, abort
from cupola.http import json as _jsonlib
from cupola.http.files import FileResponse, content_disposition, guess_content_type
from cupola.http.response import JSONResponse, Response
from cupola.navigation import redirect, url_for
from cupola.sessions import flash, get_flashed_messages
from cupola.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    before_render_template,
    got_request_exception,
    message_flashed,
    request_finished,
    request_started,
    request_tearing_down,
    template_rendered,
)
from cupola.static.paths import safe_join
from cupola.templating import render, render_string

if TYPE_CHECKING:
    from cupola.testing.flask import FlaskClient

F = TypeVar("F", bound=Callable[..., Any])
_AFTER_THIS_REQUEST = "after_this_request_funcs"  # in the request's __dict__


class Flask(Cupola):
    """A Cupola app built with Flask's constructor arguments.

    Args:
        import_name: The ``__name__`` of the app's module.
        static_url_path: URL prefix of the static files; by default ``/`` plus the
            static folder's name, as in Flask.
        static_folder: Static files folder, relative to ``root_path``.
        static_host: Not supported (host matching); must be ``None``.
        host_matching: Not supported; must be false.
        subdomain_matching: Not supported; must be false.
        template_folder: Templates folder, relative to ``root_path``.
        instance_path: Absolute instance folder; by default ``<project>/instance``.
        instance_relative_config: Resolve config file names in the instance folder.
        root_path: The app's folder, when ``import_name`` cannot locate it.

    Raises:
        ImproperlyConfigured: For host or subdomain matching, which Cupola does not route.
    """

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        if static_host is not None or host_matching or subdomain_matching:
            raise ImproperlyConfigured(
                "Cupola routes by path only: host_matching, subdomain_matching and "
                "static_host are not supported; mount one app per host instead."
            )
        folder = os.fspath(static_folder) if static_folder is not None else None
        if static_url_path is None and folder is not None:
            static_url_path = "/" + os.path.basename(folder.rstrip("/\\"))
        super().__init__(
            import_name,
            template_folder=os.fspath(template_folder) if template_folder is not None else None,
            static_folder=folder,
            static_url_path=static_url_path if static_url_path is not None else "/static",
            instance_path=instance_path,
            instance_relative_config=instance_relative_config,
            root_path=root_path,
        )
        self.config.env_prefix = "FLASK"
        self.after_request(_run_after_this_request)

    def __repr__(self) -> str:
        return f"<Flask {self.import_name!r}>"

    @property
    def secret_key(self) -> Any:
        """``config["SECRET_KEY"]``, as Flask's ``app.secret_key``."""
        return self.config["SECRET_KEY"]

    @secret_key.setter
    def secret_key(self, value: Any) -> None:
        self.config["SECRET_KEY"] = value

    def test_client(  # same call, Werkzeug-style responses
        self, protocol: Literal["wsgi", "asgi"] = "wsgi", **kwargs: Any
    ) -> FlaskClient:
        """A test client whose responses have Werkzeug's ``data``, ``get_json()``, ``json``.

        Args:
            protocol: Drive the WSGI callable or ``app.asgi``.
            **kwargs: Passed to :class:`~cupola.testing.TestClient`; Flask's
                ``use_cookies`` is accepted (cookies are always kept).

        Raises:
            ImproperlyConfigured: For an unknown protocol.
        """
        from cupola.testing.flask import FlaskClient

        kwargs.pop("use_cookies", None)
        if protocol not in ("wsgi", "asgi"):
            raise ImproperlyConfigured(f"protocol must be 'wsgi' or 'asgi', not {protocol!r}.")
        return FlaskClient(self, protocol=protocol, **kwargs)


def render_template(template_name_or_list: str | list[str], **context: Any) -> str:
    """Render a template (the first that exists, for a list) with ``context``."""
    if isinstance(template_name_or_list, str):
        return render(template_name_or_list, **context)
    name = current_app.jinja_env.select_template(template_name_or_list).name
    return render(name or template_name_or_list[0], **context)


def render_template_string(source: str, **context: Any) -> str:
    """Render a template given as a string, autoescaped, with ``context``."""
    return render_string(source, **context)


def jsonify(*args: Any, **kwargs: Any) -> JSONResponse:
    """A JSON response: of the one argument, the arguments as a list, or the keywords.

    Raises:
        TypeError: When both arguments and keywords are given.
    """
    if args and kwargs:
        raise TypeError("jsonify() takes arguments or keywords, not both.")
    return JSONResponse(args[0] if len(args) == 1 else list(args) if args else kwargs)


def make_response(*args: Any) -> Response:
    """Turn a view's return value (or its parts) into a response, to change it."""
    if not args:
        return Response()
    return current_app.make_response(args[0] if len(args) == 1 else args)


def send_file(
    path_or_file: str | os.PathLike[str] | IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: float | None = None,
    max_age: int | None = None,
) -> Response:
    """Send a file by path (ranges, ETag and conditional requests served) or file object."""
    if isinstance(path_or_file, io.IOBase | IO):
        name = download_name or os.path.basename(getattr(path_or_file, "name", "") or "")
        content_type = mimetype or (guess_content_type(name) if name else None)
        if content_type is None:
            raise ValueError("send_file() needs mimetype= or download_name= for a file object.")
        headers = {}
        if name:
            headers["Content-Disposition"] = content_disposition(name, as_attachment=as_attachment)
        return Response(path_or_file.read(), headers=headers, content_type=content_type)
    return FileResponse(
        path_or_file,
        content_type=mimetype,
        filename=download_name,
        as_attachment=as_attachment,
        etag=etag,
        last_modified=last_modified,
        max_age=max_age,
        conditional=conditional,
        request=get_request() if has_request_context() else None,
    )


def send_from_directory(directory: str | os.PathLike[str], path: str, **kwargs: Any) -> Response:
    """Send ``path`` from ``directory``, refusing paths that leave it (404).

    Raises:
        NotFound: When the path is unsafe or no such file exists.
    """
    root = os.path.join(current_app.root_path, os.fspath(directory))
    full = safe_join(root, path)
    if full is None or not os.path.isfile(full):
        raise NotFound()
    return send_file(full, **kwargs)


def after_this_request(f: F) -> F:
    """Run ``f(response)`` after the current request's view; it returns the response."""
    vars(get_request()).setdefault(_AFTER_THIS_REQUEST, []).append(f)
    return f


def _run_after_this_request(response: Any) -> Any:
    for f in vars(get_request()).pop(_AFTER_THIS_REQUEST, ()):
        response = f(response)
    return response


def copy_current_request_context(f: F) -> F:
    """Wrap ``f`` so that it runs with the current request active (in another thread)."""
    context = get_request()

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = activate(context)
        try:
            return f(*args, **kwargs)
        finally:
            deactivate(token)

    return wrapper  # type: ignore[return-value]  # same signature as f


class _JSON:
    """``flask.json``: ``dumps``, ``loads``, ``dump``, ``load`` and ``jsonify``."""

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        """Serialise ``obj`` to a JSON string."""
        return _jsonlib.dumps(obj).decode()

    @staticmethod
    def loads(s: str | bytes, **kwargs: Any) -> Any:
        """Parse a JSON document."""
        return _jsonlib.loads(s)

    @staticmethod
    def dump(obj: Any, fp: IO[str], **kwargs: Any) -> None:
        """Write ``obj`` as JSON to a text file."""
        fp.write(_JSON.dumps(obj))

    @staticmethod
    def load(fp: IO[Any], **kwargs: Any) -> Any:
        """Read a JSON document from a file."""
        return _jsonlib.loads(fp.read())

    jsonify = staticmethod(jsonify)


json = _JSON()

__all__ = [
    "Blueprint",
    "Flask",
    "Response",
    "abort",
    "after_this_request",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "copy_current_request_context",
    "current_app",
    "flash",
    "g",
    "get_flashed_messages",
    "got_request_exception",
    "has_app_context",
    "has_request_context",
    "json",
    "jsonify",
    "make_response",
    "message_flashed",
    "redirect",
    "render_template",
    "render_template_string",
    "request",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "send_file",
    "send_from_directory",
    "session",
    "stream_with_context",
    "template_rendered",
    "url_for",
]
