"""Turn what a view returns into a :class:`Response`, as DESIGN §3 lists.

``Response`` passes through; ``str``/``bytes`` become HTML; ``dict``/``list`` become JSON;
an iterator or async iterator is streamed; a tuple adds a status and/or headers:
``(body, status)``, ``(body, status, headers)`` or ``(body, headers)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from cupola.http.response import HTMLResponse, JSONResponse, Response, StreamingResponse


def to_response(rv: Any) -> Response:
    """Coerce a view's return value into a response.

    Raises:
        TypeError: For ``None`` or a value of an unsupported type, naming what was returned.
    """
    # PERF: exact type checks first; they cover nearly every view.
    kind = type(rv)
    if kind is str or kind is bytes:
        return HTMLResponse(rv)
    if kind is dict or kind is list:
        return JSONResponse(rv)
    if isinstance(rv, Response):
        return rv
    if kind is tuple:
        return _from_tuple(rv)
    if isinstance(rv, str | bytes):
        return HTMLResponse(rv)
    if isinstance(rv, dict | list):
        return JSONResponse(rv)
    if isinstance(rv, Iterator | AsyncIterator):
        return StreamingResponse(rv)
    if rv is None:
        raise TypeError(
            "The view did not return a response: it returned None. Return a Response, "
            "a str, bytes, a dict or list (JSON), a tuple or an iterator."
        )
    raise TypeError(
        f"The view returned an object of type {kind.__name__!r}, which is not a valid "
        "response: return a Response, a str, bytes, a dict or list (JSON), a tuple or an "
        "iterator."
    )


def _from_tuple(rv: tuple[Any, ...]) -> Response:
    if len(rv) == 3:
        body, status, headers = rv
    elif len(rv) == 2:
        body, second = rv
        if isinstance(second, Mapping | list):
            status, headers = None, second
        else:
            status, headers = second, None
    else:
        raise TypeError(
            "A view returning a tuple must use (body, status), (body, headers) or "
            f"(body, status, headers); it returned a tuple of {len(rv)} items."
        )
    if isinstance(body, tuple):
        raise TypeError("The body of a returned tuple cannot itself be a tuple.")
    response = to_response(body)
    if status is not None:
        response.status = _status_code(status)
    if headers:
        response.headers.update(headers)
    return response


def _status_code(status: Any) -> int:
    if isinstance(status, int) and not isinstance(status, bool):
        return status
    if isinstance(status, str) and status.split(" ", 1)[0].isdigit():
        return int(status.split(" ", 1)[0])
    raise TypeError(f"A returned status must be an int like 201, not {status!r}.")
