"""Browser forms can only POST: hidden fields carry the real method and body.

A form POSTed with ``_method=PUT`` (or ``PATCH``, ``DELETE``, ``OPTIONS``) is handled as
that method; ``_content`` with ``_content_type`` replaces the body (the raw-data form).
The REST view applies this to form POSTs only, before its checks.
"""

from __future__ import annotations

import io
from typing import Any

from cupola.rest import exceptions
from cupola.rest.request import is_form_media_type

#: The hidden form fields a browser form sends to override the method and the body.
METHOD_OVERRIDE = "_method"
CONTENT_OVERRIDE = "_content"
CONTENT_TYPE_OVERRIDE = "_content_type"
_OVERRIDABLE = frozenset({"PUT", "PATCH", "DELETE", "OPTIONS"})


def apply_form_overrides(request: Any) -> None:
    """Take the method and body a browser form put in ``_method``/``_content`` fields.

    Only a ``POST`` of a form (urlencoded or multipart) is looked at; the REST view calls
    this before its checks, so permissions see the overridden method.

    Raises:
        UnsupportedMediaType: ``_content_type`` names a type no parser handles.
        ParseError: ``_content`` does not parse.
    """
    if request.method != "POST" or not is_form_media_type(request.content_type):
        return
    form = request.POST
    method = str(form.get(METHOD_OVERRIDE, "")).upper()
    if method in _OVERRIDABLE:
        request.method = method
    content = form.get(CONTENT_OVERRIDE)
    media_type = form.get(CONTENT_TYPE_OVERRIDE)
    if content is None or not media_type:
        return
    parser = next((p for p in request.parsers if _matches(p.media_type, media_type)), None)
    if parser is None:
        raise exceptions.UnsupportedMediaType(media_type)
    stream = io.BytesIO(str(content).encode("utf-8"))
    # NOTE: no "request" in the context: form parsers would read the outer form instead.
    context = {**request.parser_context, "request": None}
    parsed = parser.parse(stream, media_type, context) if content else {}
    data = getattr(parsed, "data", parsed)
    request._data = request._full_data = data
    request._files = getattr(parsed, "files", None) or {}


def _matches(parser_type: str, media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return parser_type == base or parser_type == "*/*"


__all__ = ["CONTENT_OVERRIDE", "CONTENT_TYPE_OVERRIDE", "METHOD_OVERRIDE", "apply_form_overrides"]
