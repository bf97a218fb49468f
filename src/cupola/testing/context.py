"""Request contexts for tests and scripts: ``with app.test_request_context("/x"): …``."""

from __future__ import annotations

import io
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

import httpx

from cupola.context import activate, deactivate
from cupola.http.request import Request
from cupola.wsgi import WSGI_SOURCE

if TYPE_CHECKING:
    from contextvars import Token

    from cupola.app import Cupola
    from cupola.context import AppContext

DEFAULT_BASE_URL = "http://localhost"


def build_environ(request: httpx.Request, root_path: str = "") -> dict[str, Any]:
    """A WSGI environ for an ``httpx.Request`` (the body is read into memory)."""
    url = request.url
    body = request.read()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": root_path,
        # PEP 3333: the percent-decoded bytes as latin-1, whether or not they are UTF-8.
        "PATH_INFO": unquote_to_bytes(url.raw_path.split(b"?", 1)[0]).decode("latin-1"),
        "QUERY_STRING": url.query.decode("ascii"),
        "SERVER_NAME": url.host,
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,  # the whole body is there, as after de-chunking
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.raw:
        key = name.decode("latin-1").upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value.decode("latin-1")
        else:
            environ[f"HTTP_{key}"] = value.decode("latin-1")
    return environ


def build_request(
    method: str,
    url: str,
    *,
    query: Any = None,
    headers: Any = None,
    json: Any = None,
    data: Any = None,
    files: Any = None,
    content: bytes | str | None = None,
    cookies: Any = None,
) -> httpx.Request:
    """An ``httpx.Request`` from the test client's keyword arguments.

    ``data`` may be a mapping (an urlencoded form) or ``bytes``/``str`` (a raw body).
    """
    if isinstance(data, bytes | str):
        content, data = data, None
    request = httpx.Request(
        method,
        url,
        params=query,
        headers=headers,
        json=json,
        data=data,
        files=files,
        content=content,
        cookies=cookies,
    )
    return request


class RequestContext:
    """An active request for ``path``: ``request``, ``g`` and ``url_for`` work inside it.

    Args:
        app: The application.
        path: The path, optionally with a query string.
        method: The HTTP method.
        base_url: Scheme and host of the simulated request.
        **kwargs: ``query``, ``headers``, ``json``, ``data``, ``files``, ``content``.
    """

    def __init__(
        self,
        app: Cupola,
        path: str = "/",
        *,
        method: str = "GET",
        base_url: str = DEFAULT_BASE_URL,
        **kwargs: Any,
    ) -> None:
        outgoing = build_request(method.upper(), base_url.rstrip("/") + path, **kwargs)
        environ = build_environ(outgoing)
        path_info = environ["PATH_INFO"].encode("latin-1").decode("utf-8")
        self.request = Request(app, method.upper(), path_info or "/", environ, WSGI_SOURCE)
        app.pipeline.route(self.request)  # fills view_args, endpoint and blueprint
        self._token: Token[AppContext | Request] | None = None

    def __enter__(self) -> Request:
        self._token = activate(self.request)
        return self.request

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            deactivate(self._token)
            self._token = None
