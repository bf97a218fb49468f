"""The request object views, hooks and middleware receive, whichever server runs the app.

A :class:`Request` is built by an adapter from a raw WSGI environ or ASGI scope plus a
:class:`RequestSource` that knows how to read that raw form. Everything past the method and
path (headers, query, cookies, body, forms) is parsed on first access and cached, so a view
that reads nothing pays for nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import quote

from cupola.context import AppGlobals
from cupola.exceptions import BadRequest, HTTPException, UnsupportedMediaType
from cupola.http import json as jsonlib
from cupola.http.body import RequestBody
from cupola.http.cookies import parse_cookie_header
from cupola.http.forms import (
    NO_FILES,
    FormLimits,
    UploadFile,
    parse_form,
)
from cupola.http.headers import Headers
from cupola.http.hosts import is_valid_host
from cupola.http.mediatypes import parse_options_header
from cupola.http.multidict import ImmutableMultiDict
from cupola.http.urls import parse_query_string

if TYPE_CHECKING:
    from cupola.routing import Rule
    from cupola.sessions.base import Session
    from cupola.types import Application, MatchedRoute


_NO_ARGS: dict[str, Any] = {}  # never mutated: the router gives matched requests their own
#: "Not computed yet" for the lazy attributes whose computed value may be ``None``.
_UNSET: Any = object()


class RequestSource(Protocol):
    """How an adapter's raw request (environ or scope) answers the request's questions."""

    def headers(self, raw: Any) -> list[tuple[str, str]]:
        """Header pairs with ``str`` names and values."""

    def header(self, raw: Any, name: str) -> str | None:
        """The first value of header ``name`` (lower case), without building every header."""

    def query_string(self, raw: Any) -> str | bytes:
        """The raw query string, without ``?``."""

    def scheme(self, raw: Any) -> str:
        """``"http"`` or ``"https"`` as the server saw it."""

    def server(self, raw: Any) -> tuple[str, int | None] | None:
        """The server's own host and port, used when the client sent no ``Host``."""

    def remote_addr(self, raw: Any) -> str | None:
        """The peer's address."""

    def root_path(self, raw: Any) -> str:
        """The prefix the application is mounted under (``SCRIPT_NAME``/``root_path``)."""

    def body(self, raw: Any, limit: int | None) -> RequestBody:
        """Read the whole body, bounded by ``limit``."""


class Forwarded(NamedTuple):
    """What trusted proxies reported about the client; ``None`` keeps the server's value.

    The proxy headers middleware sets it as :attr:`Request.forwarded`; :attr:`Request.scheme`,
    :attr:`Request.host` and :attr:`Request.remote_addr` then answer with the client's values.
    """

    remote_addr: str | None = None
    scheme: str | None = None
    host: str | None = None


class Request:
    """An HTTP request.

    Each lazily computed value lives in a private slot that ``__init__`` sets to ``None``
    (``_UNSET`` where ``None`` is a value) and its property or method fills on first use.

    Attributes:
        method: The method in upper case.
        path: The percent-decoded path, without the root path.
        app: The application handling the request.
        raw: The request as the server gave it to the adapter: the WSGI environ or the
            ASGI scope. The attributes of this class read it for you.
        view_args: Values the router matched from the path.
        matched_route: The route the router matched (``None`` until then, or when no
            route matched); :attr:`endpoint`, :attr:`url_rule` and :attr:`blueprint`
            read it.
        host_header: The ``Host`` header as the adapter read it to check it (``None`` when
            absent or not read yet); :attr:`host` is the request's host.
        forwarded: What trusted proxies reported about the client (:class:`Forwarded`),
            set by :class:`~cupola.security.ProxyHeadersMiddleware`; ``None`` otherwise.
        loaded_body: The body once something read it (``None`` until then): the ASGI
            adapter buffers it before a sync view runs, and the request releases it when
            it ends.
        loaded_session: The session once something loaded it (``None`` until then), so
            that the session middleware saves only the sessions a request used.
        rejection: An error found before the view could run (a malformed path or head, a
            body over the limit, no matching route), or ``None``. The adapters and the
            router record it; the pipeline raises it where the view would run, so that
            middleware, hooks and error handlers see it like any other error.
    """

    # NOTE: "__dict__" is for the attributes users add (a middleware's ``request.started =
    # …``, as in Django and Flask); nothing of this class is kept there.
    __slots__ = (
        "__dict__",
        "_args",
        "_cookies",
        "_files",
        "_form",
        "_g",
        "_headers",
        "_json",
        "_source",
        "_user",
        "app",
        "forwarded",
        "host_header",
        "loaded_body",
        "loaded_session",
        "matched_route",
        "method",
        "path",
        "raw",
        "rejection",
        "view_args",
    )

    _files: ImmutableMultiDict[UploadFile]  # set with _form, read only once it is set

    def __init__(
        self, app: Application, method: str, path: str, raw: Any, source: RequestSource
    ) -> None:
        self.app = app
        self.method = method
        self.path = path
        self.raw = raw
        self._source = source
        self.rejection: HTTPException | None = None
        self.matched_route: MatchedRoute | None = None
        self.loaded_body: RequestBody | None = None
        self.loaded_session: Session | None = None
        self.forwarded: Forwarded | None = None
        self.host_header: str | None = None
        self.view_args: dict[str, Any] = _NO_ARGS
        # PERF: "not computed" is a value, not an unset slot: a first read that catches the
        # AttributeError of an unset slot costs ~5,000 instructions, a store here ~75.
        self._headers: Headers | None = None
        self._args: ImmutableMultiDict[str] | None = None
        self._cookies: dict[str, str] | None = None
        self._form: ImmutableMultiDict[str] | None = None  # and _files, filled with it
        self._g: AppGlobals | None = None
        self._json: Any = _UNSET
        self._user: Any = _UNSET

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path!r}>"

    @property
    def url_rule(self) -> Rule | None:
        """The matched routing rule, or ``None``."""
        return self.matched_route.rule if self.matched_route is not None else None

    @property
    def endpoint(self) -> str | None:
        """The matched endpoint, e.g. ``"books.show"``, or ``None``."""
        return self.matched_route.endpoint if self.matched_route is not None else None

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the matched view's blueprint, or ``None``."""
        return self.matched_route.blueprint if self.matched_route is not None else None

    @property
    def g(self) -> AppGlobals:
        """This request's ``g`` namespace."""
        g = self._g
        if g is None:
            g = self._g = AppGlobals()
        return g

    @property
    def session(self) -> Session:
        """The visitor's session, loaded on first access and kept for the request.

        A request that never touches it never reads the session cookie. The app's
        :class:`~cupola.types.SessionLoader` (the session middleware) loads it.

        Raises:
            RuntimeError: When no session middleware is installed.
            ImproperlyConfigured: When ``SECRET_KEY`` is not set.
        """
        session = self.loaded_session
        if session is None:
            loader = self.app.session_loader
            if loader is None:
                raise RuntimeError(
                    "The session is not available: add cupola.sessions.SessionMiddleware "
                    "to the app's middleware."
                )
            session = self.loaded_session = loader.load_session(self)
        return session

    @property
    def user(self) -> Any:
        """The logged-in user, or an anonymous user; loaded on first access.

        The app's :class:`~cupola.types.UserLoader` (``cupola.auth.Auth``) loads it.
        ``cupola.auth.login_user`` and ``logout_user`` replace it for the rest of the request.

        Raises:
            RuntimeError: When the app has no ``cupola.auth.Auth``.
        """
        user = self._user
        if user is _UNSET:
            loader = self.app.user_loader
            if loader is None:
                raise RuntimeError(
                    "Authentication is not set up: create cupola.auth.Auth(app, user_loader=...)."
                )
            user = self._user = loader.load_user(self)
        return user

    @user.setter
    def user(self, value: Any) -> None:
        self._user = value

    # -- head -----------------------------------------------------------------------------

    @property
    def headers(self) -> Headers:
        """The request headers (case-insensitive, read-only by convention)."""
        if self._headers is None:
            self._headers = Headers.from_trusted(self._source.headers(self.raw))
        return self._headers

    def header(self, name: str) -> str | None:
        """The first value of header ``name``, or ``None``.

        Cheaper than ``request.headers.get(name)`` when a request needs only a header or
        two: the other headers are not parsed.
        """
        if self._headers is None:
            return self._source.header(self.raw, name.lower())
        return self._headers.get(name)

    @property
    def query_string(self) -> bytes:
        """The raw query string, without ``?``."""
        qs = self._source.query_string(self.raw)
        return qs.encode("latin-1") if isinstance(qs, str) else qs

    @property
    def args(self) -> ImmutableMultiDict[str]:
        """The parsed query string; ``get``/``getlist`` as in Werkzeug."""
        args = self._args
        if args is None:
            args = self._args = parse_query_string(self._source.query_string(self.raw))
        return args

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies sent by the client (the first value of a repeated name)."""
        if self._cookies is None:
            self._cookies = parse_cookie_header(self.header("cookie"))
        return self._cookies

    @property
    def scheme(self) -> str:
        """``"http"`` or ``"https"`` (as reported by a trusted proxy, if any)."""
        forwarded = self.forwarded
        if forwarded is not None and forwarded.scheme is not None:
            return forwarded.scheme
        return self._source.scheme(self.raw)

    @property
    def is_secure(self) -> bool:
        """Whether the request came over HTTPS."""
        return self.scheme == "https"

    @property
    def remote_addr(self) -> str | None:
        """The client's address as the server saw it, or as a trusted proxy reported it."""
        forwarded = self.forwarded
        if forwarded is not None and forwarded.remote_addr is not None:
            return forwarded.remote_addr
        return self._source.remote_addr(self.raw)

    @property
    def root_path(self) -> str:
        """The prefix the application is mounted under, ``""`` at the root."""
        return self._source.root_path(self.raw)

    @property
    def host(self) -> str:
        """The ``Host`` header (with its port, if any), or the server's own address.

        A host reported by a trusted proxy (``X-Forwarded-Host``) takes precedence.

        Raises:
            BadRequest: When the ``Host`` header is malformed.
        """
        forwarded = self.forwarded
        if forwarded is not None and forwarded.host is not None:
            return forwarded.host
        # PERF: trusted hosts read this on every request; don't build every header for it.
        host = self.host_header or self.header("host")
        if host is None:
            server = self._source.server(self.raw)
            if server is None:
                raise BadRequest("The request has no Host header.")
            name, port = server
            default = 443 if self.scheme == "https" else 80
            return name if port in (None, default) else f"{name}:{port}"
        if not is_valid_host(host):
            raise BadRequest("The Host header is malformed.")
        return host

    @property
    def host_url(self) -> str:
        """Scheme and host, for example ``"https://example.com/"``."""
        return f"{self.scheme}://{self.host}/"

    @property
    def full_path(self) -> str:
        """The path (percent-encoded) and query string."""
        qs = self.query_string
        path = self.root_path + quote(self.path, safe="/:@!$&'()*+,;=-._~")
        return f"{path}?{qs.decode('latin-1')}" if qs else path

    @property
    def url(self) -> str:
        """The full URL the client asked for."""
        return f"{self.scheme}://{self.host}{self.full_path}"

    @property
    def base_url(self) -> str:
        """The URL without the query string."""
        return self.url.partition("?")[0]

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header as sent."""
        return self.header("content-type")

    @property
    def mimetype(self) -> str:
        """The media type of the body, lower-case and without parameters."""
        return parse_options_header(self.content_type)[0]

    @property
    def content_length(self) -> int | None:
        """The declared ``Content-Length``, if any and valid."""
        value = self.headers.get("content-length")
        return int(value) if value is not None and value.isdigit() else None

    # -- body -----------------------------------------------------------------------------

    def _load_body(self) -> RequestBody:
        body = self.loaded_body
        if body is None:
            limit = self.app.config.get("MAX_CONTENT_LENGTH")
            body = self.loaded_body = self._source.body(self.raw, limit)
        return body

    def get_data(self, as_text: bool = False) -> Any:
        """Return the raw body as ``bytes`` (or ``str`` when ``as_text``).

        Raises:
            RequestEntityTooLarge: When the body exceeds ``MAX_CONTENT_LENGTH``.
            BadRequest: When ``as_text`` and the body is not UTF-8.
        """
        data = self._load_body().read()
        if not as_text:
            return data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("The request body is not valid UTF-8.") from None

    @property
    def stream(self) -> Any:
        """The body as a binary file object positioned at its start."""
        return self._load_body().stream()

    @property
    def is_json(self) -> bool:
        """Whether the body is declared as JSON (``application/json`` or ``+json``)."""
        mimetype = self.mimetype
        return mimetype == "application/json" or mimetype.endswith("+json")

    @property
    def json(self) -> Any:
        """The body parsed as JSON.

        Raises:
            UnsupportedMediaType: When the body is not declared as JSON (415).
            BadRequest: When it is not valid JSON (400).
        """
        return self.get_json()

    def get_json(self, *, force: bool = False, silent: bool = False) -> Any:
        """Parse the body as JSON.

        Args:
            force: Parse whatever the declared content type.
            silent: Return ``None`` instead of raising on a wrong type or bad JSON.

        Raises:
            UnsupportedMediaType: When not ``force`` and the body is not declared as JSON.
            BadRequest: When the body is not valid JSON.
        """
        parsed = self._json
        if parsed is not _UNSET:
            return parsed
        if not (force or self.is_json):
            if silent:
                return None
            raise UnsupportedMediaType(
                "The request body must be JSON (Content-Type: application/json)."
            )
        try:
            parsed = self._json = jsonlib.loads(self.get_data())
        except BadRequest:
            if silent:
                return None
            raise
        return parsed

    def _load_form(self) -> ImmutableMultiDict[str]:
        body = self._load_body()
        content_type = self.header("content-type")  # PERF: not through the property
        form, self._files = parse_form(content_type, body, self.app.form_limits)
        self._form = form  # last: it marks both as parsed
        return form

    @property
    def form(self) -> ImmutableMultiDict[str]:
        """Fields of an urlencoded or multipart body (empty for other bodies)."""
        form = self._form
        if form is None:
            form = self._load_form()
        return form

    @property
    def files(self) -> ImmutableMultiDict[UploadFile]:
        """Uploaded files of a multipart body."""
        if self._form is None:
            self._load_form()
        return self._files

    @property
    def values(self) -> ImmutableMultiDict[str]:
        """Query arguments and form fields together (form values after query ones)."""
        merged = list(self.args.items(multi=True)) + list(self.form.items(multi=True))
        return ImmutableMultiDict(merged)

    def close(self) -> None:
        """Release uploaded files and a spooled body."""
        body = self.loaded_body
        if body is None or body is RequestBody.EMPTY:
            return  # PERF: nothing was read, nothing to release
        body.close()
        if self._form is None or self._files is NO_FILES:  # PERF: no uploads to close
            return
        for _, upload in self._files.items(multi=True):
            upload.close()


__all__ = ["FormLimits", "Forwarded", "Request", "RequestSource"]
