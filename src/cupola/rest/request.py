"""The REST request: a Cupola request plus parsed ``data``, ``user`` and negotiation results.

``APIView`` wraps each request in :class:`Request`. The body is parsed only when ``data`` is
read, by the first parser whose media type matches the ``Content-Type`` (415 when none does);
``user`` and ``auth`` come from the first authentication class that accepts the request.
Every other attribute (``method``, ``path``, ``headers``, ``args``, ``session``, …) is the
Cupola request's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cupola.http.mediatypes import parse_options_header
from cupola.http.multidict import ImmutableMultiDict, MultiDict
from cupola.rest import exceptions
from cupola.rest.settings import ResolvedSettings, current_settings

if TYPE_CHECKING:
    from cupola.http.request import Request as CupolaRequest
    from cupola.rest.negotiation import BaseContentNegotiation

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_NO_FILES: ImmutableMultiDict[Any] = ImmutableMultiDict()
#: Marks a value not worked out yet (``None`` is a value: a JSON ``null`` body, no user).
# PERF: a lookup with a default instead of catching the KeyError of the first read.
_UNSET: Any = object()


class WrappedAttributeError(Exception):
    """An ``AttributeError`` raised while authenticating or parsing.

    Re-raised under this name so that it is not mistaken for a missing attribute of the
    request (which would fall back to the Cupola request's attributes).
    """


class _AttributeErrorWrapper:
    """The context of :func:`wrap_attribute_errors`; it keeps no state, so one is shared."""

    # PERF: a plain context manager; a generator-based one costs a generator and two
    # resumptions on each ``user`` and ``data`` read.
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, traceback: object) -> None:
        if isinstance(exc, AttributeError):
            raise WrappedAttributeError(str(exc)).with_traceback(exc.__traceback__) from exc


_WRAPPER = _AttributeErrorWrapper()


def wrap_attribute_errors() -> _AttributeErrorWrapper:
    """Re-raise an ``AttributeError`` from the block as :class:`WrappedAttributeError`."""
    return _WRAPPER


def is_form_media_type(media_type: str) -> bool:
    """Whether ``media_type`` (a ``Content-Type`` value) is an HTML form's."""
    return parse_options_header(media_type)[0] in _FORM_TYPES


class Request:
    """A Cupola request extended for REST views.

    Args:
        request: The Cupola request.
        parsers: Parser instances for the body, tried in order.
        authenticators: Authentication instances, tried in order.
        negotiator: The content negotiation instance (selects the parser).
        parser_context: Passed to the parser; ``request`` and ``encoding`` are added.
        settings: The REST settings in force (the current app's when omitted).

    Attributes:
        accepted_renderer: The renderer content negotiation chose.
        accepted_media_type: The media type it chose.
        version: The API version, when versioning is in use.
        versioning_scheme: The versioning instance, when versioning is in use.
    """

    def __init__(
        self,
        request: CupolaRequest,
        parsers: Sequence[Any] | None = None,
        authenticators: Sequence[Any] | None = None,
        negotiator: BaseContentNegotiation | None = None,
        parser_context: dict[str, Any] | None = None,
        settings: ResolvedSettings | None = None,
    ) -> None:
        if settings is None:
            settings = current_settings()
        self._request = request
        self._settings = settings
        self.method = request.method
        self.parsers = parsers or ()
        self.authenticators = authenticators or ()
        self.negotiator = negotiator or settings.get("DEFAULT_CONTENT_NEGOTIATION_CLASS")()
        self.parser_context = {} if parser_context is None else parser_context
        self.parser_context["request"] = self
        self.parser_context["encoding"] = "utf-8"
        self.accepted_renderer: Any = None
        self.accepted_media_type: str | None = None
        self.version: Any = None
        self.versioning_scheme: Any = None
        self._data: Any
        self._files: Any
        self._full_data: Any

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__}: {self.method} {self.full_path!r}>"

    def __getattr__(self, name: str) -> Any:
        # Called only for names this class lacks: they are the Cupola request's.
        try:
            return getattr(self.__dict__["_request"], name)
        except KeyError:
            raise AttributeError(name) from None

    # -- body -------------------------------------------------------------------------------

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header as sent (``""`` when absent)."""
        # PERF: read on each request by the view's checks, the body and the parser choice.
        value: str | None = self.__dict__.get("_content_type")
        if value is None:
            value = self._content_type = self._request.content_type or ""
        return value

    def header(self, name: str) -> str | None:
        """The first value of header ``name``, or ``None`` (the Cupola request's ``header``)."""
        return self._request.header(name)

    @property
    def query_params(self) -> ImmutableMultiDict[str]:
        """The query string's parameters (the Cupola request's ``args``)."""
        return self._request.args

    @property
    def data(self) -> Any:
        """The parsed body: a dict (or list) for JSON, a multi-dict for forms.

        Raises:
            UnsupportedMediaType: When no parser handles the ``Content-Type`` (415).
            ParseError: When the body does not parse (400).
        """
        data = self.__dict__.get("_full_data", _UNSET)
        if data is not _UNSET:
            return data
        with wrap_attribute_errors():
            self._load_data_and_files()
        return self.__dict__["_full_data"]

    @property
    def POST(self) -> Any:  # the name REST code expects
        """The parsed form fields (without files); empty unless the body is a form."""
        if "_data" not in self.__dict__:
            with wrap_attribute_errors():
                self._load_data_and_files()
        if is_form_media_type(self.content_type):
            return self._data
        return ImmutableMultiDict()

    @property
    def FILES(self) -> Any:  # the name REST code expects
        """Uploaded files of a multipart body."""
        if "_files" not in self.__dict__:
            with wrap_attribute_errors():
                self._load_data_and_files()
        return self.__dict__["_files"]

    def _load_data_and_files(self) -> None:
        data: Any
        files: Any
        try:
            data, files = self._parse()
        except Exception:
            # Later reads see an empty body rather than the same error again (the error
            # response itself may read ``data``).
            self._data, self._files, self._full_data = ImmutableMultiDict(), _NO_FILES, {}
            raise
        self._data, self._files = data, files
        if not files:
            self._full_data = data
        elif hasattr(data, "getlist"):
            merged = MultiDict(data.items(multi=True))
            for key, upload in files.items(multi=True):
                merged.add(key, upload)
            self._full_data = merged
        else:
            self._full_data = {**data, **dict(files.items())}

    def _parse(self) -> tuple[Any, Any]:
        media_type = self.content_type
        body = self._request.get_data()
        if not body:
            return (ImmutableMultiDict() if is_form_media_type(media_type) else {}), _NO_FILES
        parser = self.negotiator.select_parser(self, self.parsers)
        if parser is None:
            raise exceptions.UnsupportedMediaType(media_type)
        parsed = parser.parse(self._request.stream, media_type, self.parser_context)
        if isinstance(parsed, DataAndFiles):
            return parsed.data, parsed.files
        return parsed, _NO_FILES

    # -- authentication -----------------------------------------------------------------------

    @property
    def user(self) -> Any:
        """The user the authentication classes found, or the unauthenticated user."""
        value = self.__dict__.get("_user", _UNSET)
        if value is not _UNSET:
            return value
        with wrap_attribute_errors():
            self._authenticate()
        return self.__dict__["_user"]

    @user.setter
    def user(self, value: Any) -> None:
        self._user = value
        # The Cupola request sees the same user (``request.user`` outside REST code).
        self._request.user = value

    @property
    def auth(self) -> Any:
        """The credentials the authentication class returned (a token…), or ``None``."""
        value = self.__dict__.get("_auth", _UNSET)
        if value is not _UNSET:
            return value
        with wrap_attribute_errors():
            self._authenticate()
        return self.__dict__["_auth"]

    @auth.setter
    def auth(self, value: Any) -> None:
        self._auth = value

    @property
    def successful_authenticator(self) -> Any:
        """The authentication instance that accepted the request, or ``None``."""
        if "_authenticator" not in self.__dict__:
            with wrap_attribute_errors():
                self._authenticate()
        return self._authenticator

    def _authenticate(self) -> None:
        for authenticator in self.authenticators:
            try:
                user_auth = authenticator.authenticate(self)
            except exceptions.APIException:
                self._not_authenticated()
                raise
            if user_auth is not None:
                self._authenticator = authenticator
                self.user, self.auth = user_auth
                return
        self._not_authenticated()

    def _not_authenticated(self) -> None:
        self._authenticator = None
        user_class = self._settings.get("UNAUTHENTICATED_USER")
        token_class = self._settings.get("UNAUTHENTICATED_TOKEN")
        self.user = user_class() if user_class else None
        self.auth = token_class() if token_class else None


class DataAndFiles:
    """What a parser of forms returns: the fields and the uploaded files.

    Args:
        data: The fields.
        files: The files.
    """

    __slots__ = ("data", "files")

    def __init__(self, data: Any, files: Any) -> None:
        self.data = data
        self.files = files


def clone_request(request: Request, method: str) -> Request:
    """A copy of ``request`` claiming another method, for checking permissions of ``method``.

    Parsed data, authentication and negotiation results are shared with the original.
    """
    clone = Request(
        request._request,
        request.parsers,
        request.authenticators,
        request.negotiator,
        request.parser_context,
        request._settings,
    )
    request.parser_context["request"] = request  # the clone must not take the context
    for name, value in request.__dict__.items():
        if name not in ("method", "parser_context"):
            clone.__dict__[name] = value
    clone.method = method
    return clone


__all__ = ["DataAndFiles", "Request", "WrappedAttributeError", "clone_request"]
