"""Versioning: which version of the API does this request ask for? One class per place to look.

A view's ``versioning_class`` (or ``DEFAULT_VERSIONING_CLASS``) finds the version in the
URL path, the blueprint, the ``Accept`` header, the query string or the host name and sets
``request.version``; a version outside ``ALLOWED_VERSIONS`` is refused (404, or 406 for the
``Accept`` header). ``reverse()`` builds URLs that keep the request's version.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, cast

from cupola.context import get_app_context
from cupola.http.mediatypes import parse_options_header
from cupola.rest.exceptions import NotAcceptable, NotFound
from cupola.rest.reverse import replace_query_param, unversioned_reverse

if TYPE_CHECKING:
    from cupola.app import Cupola

__all__ = [
    "UNSET",
    "AcceptHeaderVersioning",
    "BaseVersioning",
    "HostNameVersioning",
    "NamespaceVersioning",
    "QueryParameterVersioning",
    "URLPathVersioning",
]


_RULES_EXTENSION = "cupola.rest.versioning"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: The value of a setting attribute left to ``app.config["REST"]``.
UNSET: Any = _Unset()


class BaseVersioning:
    """Base class of versioning schemes: override :meth:`determine_version`.

    ``default_version``, ``allowed_versions`` and ``version_param`` default to the settings
    ``DEFAULT_VERSION``, ``ALLOWED_VERSIONS`` and ``VERSION_PARAM``, read when the scheme is
    made for a request; set them on a subclass to override.

    Attributes:
        default_version: The version of a request that names none (may be ``None``).
        allowed_versions: The versions accepted; ``None`` or empty accepts any.
        version_param: The name of the version's URL value, query parameter or media type
            parameter.
    """

    default_version: Any = UNSET
    allowed_versions: Any = UNSET
    version_param: Any = UNSET

    def __init__(self) -> None:
        if UNSET in (self.default_version, self.allowed_versions, self.version_param):
            from cupola.rest.settings import api_settings  # NOTE: per app, never at import

            if self.default_version is UNSET:
                self.default_version = api_settings.DEFAULT_VERSION
            if self.allowed_versions is UNSET:
                self.allowed_versions = api_settings.ALLOWED_VERSIONS
            if self.version_param is UNSET:
                self.version_param = api_settings.VERSION_PARAM

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The version ``request`` asks for; each scheme implements it.

        Raises:
            NotFound: (or ``NotAcceptable``) for a version that is not allowed.
            NotImplementedError: On this base class.
        """
        raise NotImplementedError(f"{type(self).__name__}.determine_version() must be implemented.")

    def reverse(
        self,
        viewname: str,
        args: Any = None,
        kwargs: dict[str, Any] | None = None,
        request: Any = None,
        format: str | None = None,
        **extra: Any,
    ) -> str:
        """The URL of endpoint ``viewname``, absolute when a ``request`` is given.

        Raises:
            cupola.routing.BuildError: When the endpoint is unknown or values are missing.
        """
        return unversioned_reverse(viewname, args, kwargs, request, format, **extra)

    def is_allowed_version(self, version: Any) -> bool:
        """Whether ``version`` is allowed (the default version always is)."""
        if not self.allowed_versions:
            return True
        return (version is not None and version == self.default_version) or (
            version in self.allowed_versions
        )


class AcceptHeaderVersioning(BaseVersioning):
    """The version is a media type parameter: ``Accept: application/json; version=1.0``.

    It reads the negotiated media type, so it must be one the renderer accepts. A version
    that is not allowed is a 406.
    """

    invalid_version_message: ClassVar[str] = 'Invalid version in "Accept" header.'

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The ``version`` parameter of the accepted media type."""
        _, params = parse_options_header(getattr(request, "accepted_media_type", None) or "")
        version = params.get(self.version_param, self.default_version)
        if not self.is_allowed_version(version):
            raise NotAcceptable(self.invalid_version_message)
        return version


class URLPathVersioning(BaseVersioning):
    """The version is a URL value: ``/api/<version>/books/``.

    Example:
        >>> app.add_url_rule(  # doctest: +SKIP
        ...     "/api/<version>/books/", view_func=BookList.as_view("book-list")
        ... )
    """

    invalid_version_message: ClassVar[str] = "Invalid version in URL path."

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The ``version`` URL value (or the default)."""
        version = kwargs.get(self.version_param, self.default_version)
        if version is None:
            version = self.default_version
        if not self.is_allowed_version(version):
            raise NotFound(self.invalid_version_message)
        return version

    def reverse(
        self,
        viewname: str,
        args: Any = None,
        kwargs: dict[str, Any] | None = None,
        request: Any = None,
        format: str | None = None,
        **extra: Any,
    ) -> str:
        """The URL of ``viewname`` with the request's version as its ``version`` value."""
        version = getattr(request, "version", None)
        # NOTE: only into a rule that has the value: Cupola would put it in the query string
        # of another, where Django's reverse fails and REST framework's falls back.
        if version is not None and _takes_value(viewname, self.version_param):
            kwargs = {self.version_param: version, **(kwargs or {})}
        return super().reverse(viewname, args, kwargs, request, format, **extra)


class NamespaceVersioning(BaseVersioning):
    """The version is the name of the blueprint the view was registered in.

    Register the same views in one blueprint per version (``name="v1"``, ``name="v2"``);
    in nested blueprints (``api.v1``) the first allowed name counts. A request outside
    any blueprint has the default version.
    """

    invalid_version_message: ClassVar[str] = (
        "Invalid version in URL path. Does not match any version namespace."
    )

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The allowed version among the names of the view's blueprints."""
        blueprint = getattr(request, "blueprint", None)
        if not blueprint:
            return self.default_version
        for name in blueprint.split("."):
            if self.is_allowed_version(name):
                return name
        raise NotFound(self.invalid_version_message)

    def reverse(
        self,
        viewname: str,
        args: Any = None,
        kwargs: dict[str, Any] | None = None,
        request: Any = None,
        format: str | None = None,
        **extra: Any,
    ) -> str:
        """The URL of ``viewname`` in the request's version's blueprint."""
        if getattr(request, "version", None) is not None:
            viewname = self.get_versioned_viewname(viewname, request)
        return super().reverse(viewname, args, kwargs, request, format, **extra)

    def get_versioned_viewname(self, viewname: str, request: Any) -> str:
        """``viewname`` inside the request's version blueprint: ``"api.v1.book-list"``."""
        version = str(request.version)
        names = (getattr(request, "blueprint", None) or "").split(".")
        prefix = ".".join(names[: names.index(version) + 1]) if version in names else version
        return f"{prefix}.{viewname}"


class HostNameVersioning(BaseVersioning):
    """The version is the first label of a three-label host name: ``v1.example.com``."""

    hostname_regex: ClassVar[re.Pattern[str]] = re.compile(
        r"^([a-zA-Z0-9]+)\.[a-zA-Z0-9]+\.[a-zA-Z0-9]+$"
    )
    invalid_version_message: ClassVar[str] = "Invalid version in hostname."

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The host's first label, or the default for other host names."""
        hostname = str(request.host).partition(":")[0]
        match = self.hostname_regex.match(hostname)
        if not match:
            return self.default_version
        version = match.group(1)
        if not self.is_allowed_version(version):
            raise NotFound(self.invalid_version_message)
        return version


class QueryParameterVersioning(BaseVersioning):
    """The version is a query parameter: ``/books/?version=1.0``."""

    invalid_version_message: ClassVar[str] = "Invalid version in query parameter."

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """The ``version`` query parameter (or the default)."""
        params = getattr(request, "query_params", None)
        if params is None:
            params = request.args
        version = params.get(self.version_param, self.default_version)
        if not self.is_allowed_version(version):
            raise NotFound(self.invalid_version_message)
        return version

    def reverse(
        self,
        viewname: str,
        args: Any = None,
        kwargs: dict[str, Any] | None = None,
        request: Any = None,
        format: str | None = None,
        **extra: Any,
    ) -> str:
        """The URL of ``viewname`` with ``?version=`` set to the request's version."""
        url = super().reverse(viewname, args, kwargs, request, format, **extra)
        version = getattr(request, "version", None)
        if version is not None:
            return replace_query_param(url, self.version_param, str(version))
        return url


def _takes_value(endpoint: str, name: str) -> bool:
    """Whether a rule of ``endpoint`` in the current app has the URL value ``name``."""
    app = cast("Cupola", get_app_context().app)
    router = app.pipeline.router
    # PERF: known per router (a rebuilt app has a new one) and endpoint after the first look.
    known: dict[Any, Any] = app.extensions.setdefault(_RULES_EXTENSION, {})
    if known.get("router") is not router:
        known.clear()
        known["router"] = router
    key = (endpoint, name)
    found = known.get(key)
    if found is None:
        rules = router.iter_rules()
        found = known[key] = any(
            rule.endpoint == endpoint and name in rule.arguments for rule in rules
        )
    return bool(found)
