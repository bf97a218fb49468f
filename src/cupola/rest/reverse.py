"""``reverse``: URLs of REST endpoints, absolute for a request and aware of API versions.

Built on Cupola's ``url_for``. With a request, the URL is absolute (the request's scheme and
host); with a versioning scheme on the request, the scheme builds it, so links stay within
the client's API version. The ``?format=`` override of the request is kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from cupola.exceptions import BuildError, ImproperlyConfigured
from cupola.navigation import url_for


def unversioned_reverse(
    viewname: str,
    args: Sequence[Any] | None = None,
    kwargs: Mapping[str, Any] | None = None,
    request: Any = None,
    format: str | None = None,  # REST framework's parameter name
    **extra: Any,
) -> str:
    """Build the URL without consulting a versioning scheme.

    Versioning schemes call it from their ``reverse`` once they have added the version.
    """
    if args:
        raise ImproperlyConfigured(
            f"reverse({viewname!r}) got positional args; Cupola routes are built from "
            "names: pass kwargs={...}."
        )
    values = dict(kwargs or {})
    if format:
        values["format"] = format
    url = url_for(viewname, **values)
    if request is not None:
        return str(request.host_url).rstrip("/") + url
    return url


def replace_query_param(url: str, key: str, value: str) -> str:
    """``url`` with the query parameter ``key`` set to ``value`` (others kept, sorted)."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [value]
    query = urlencode(sorted(params.items()), doseq=True)
    return urlunsplit((scheme, netloc, path, query, fragment))


def preserve_builtin_query_params(url: str, request: Any = None) -> str:
    """Carry the request's ``?format=`` override over to ``url``."""
    if request is None:
        return url
    override = request._settings.get("URL_FORMAT_OVERRIDE")
    if override and override in request.query_params:
        return replace_query_param(url, override, request.query_params[override])
    return url


def reverse(
    viewname: str,
    args: Sequence[Any] | None = None,
    kwargs: Mapping[str, Any] | None = None,
    request: Any = None,
    format: str | None = None,  # REST framework's parameter name
    **extra: Any,
) -> str:
    """The URL of endpoint ``viewname``.

    Args:
        viewname: The endpoint, such as ``"api.book-detail"``.
        args: Not supported by Cupola routes (which take named values); must be empty.
        kwargs: Values of the route's variables.
        request: The REST request: makes the URL absolute and applies its version.
        format: A format suffix value (for routes with a ``format`` variable).
        **extra: Passed to the versioning scheme.

    Raises:
        BuildError: When the endpoint is unknown or values are missing.

    Example:
        >>> reverse("api.book-detail", kwargs={"pk": 1}, request=request)  # doctest: +SKIP
        'http://testserver/api/books/1/'
    """
    scheme = getattr(request, "versioning_scheme", None)
    if scheme is not None:
        try:
            url: str = scheme.reverse(viewname, args, kwargs, request, format, **extra)
        except BuildError:
            url = unversioned_reverse(viewname, args, kwargs, request, format, **extra)
    else:
        url = unversioned_reverse(viewname, args, kwargs, request, format, **extra)
    return preserve_builtin_query_params(url, request)


__all__ = [
    "preserve_builtin_query_params",
    "replace_query_param",
    "reverse",
    "unversioned_reverse",
]
