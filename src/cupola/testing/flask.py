"""The test client of a ``cupola.flask.Flask`` app: Werkzeug's response API and call shapes.

Tests written for Flask read ``response.data``, ``response.get_data(as_text=True)``,
``response.get_json()`` and ``response.json`` (a property there, a method on httpx), and
pass ``query_string=``, ``content_type=`` and files inside ``data=``. A plain ``Cupola``
app keeps the httpx-style :class:`~cupola.testing.TestClient`.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from typing import Any

import httpx

from cupola.testing.client import TestClient

__all__ = ["FlaskClient", "WerkzeugResponse"]


class WerkzeugResponse(httpx.Response):
    """An ``httpx.Response`` that also answers Werkzeug's test response API."""

    @property
    def data(self) -> bytes:
        """The body as bytes."""
        return self.content

    def get_data(self, as_text: bool = False) -> bytes | str:
        """The body, as text (decoded by its charset) when ``as_text``."""
        return self.text if as_text else self.content

    @property
    def status(self) -> str:
        """The status line's code and reason, e.g. ``"200 OK"``."""
        return f"{self.status_code} {self.reason_phrase}"

    @property
    def mimetype(self) -> str | None:
        """The content type without its parameters."""
        value = self.headers.get("content-type")
        return value.split(";", 1)[0].strip().lower() if value else None

    @property
    def is_json(self) -> bool:
        """Whether the content type is JSON (``application/json`` or ``+json``)."""
        mimetype = self.mimetype or ""
        return mimetype == "application/json" or mimetype.endswith("+json")

    def get_json(self, force: bool = False, silent: bool = False) -> Any:
        """The body parsed as JSON; ``None`` when it is not JSON (unless ``force``).

        Raises:
            ValueError: For a malformed body, unless ``silent``.
        """
        if not (force or self.is_json):
            return None
        try:
            return jsonlib.loads(self.content)
        except ValueError:
            if silent:
                return None
            raise

    @property  # NOTE: Werkzeug's json is a property, httpx's a method
    def json(self) -> Any:
        """The body parsed as JSON, or ``None`` when it is not JSON."""
        return self.get_json()

    @property
    def location(self) -> str | None:
        """The ``Location`` header."""
        location: str | None = self.headers.get("location")
        return location


class FlaskClient(TestClient):
    """The test client of a ``cupola.flask.Flask`` app (``app.test_client()``).

    Requests accept Flask's ``query_string=`` and ``content_type=``, and files given in
    ``data=`` as ``(file, filename)`` or ``(file, filename, content_type)`` tuples.
    """

    response_class = WerkzeugResponse

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        *,
        query_string: Any = None,
        content_type: str | None = None,
        data: Any = None,
        headers: Any = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send a request as Flask's client would (see :meth:`TestClient.request`)."""
        if query_string is not None:
            kwargs["query"] = query_string
        if content_type is not None:
            headers = {**dict(headers or {}), "Content-Type": content_type}
        if isinstance(data, Mapping):
            data, files = _split_files(data)
            if files:
                kwargs["files"] = files
        return super().request(method, url, data=data, headers=headers, **kwargs)


def _split_files(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    fields: dict[str, Any] = {}
    files: list[tuple[str, Any]] = []
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, tuple) and item and hasattr(item[0], "read"):
                file, *rest = item
                filename = rest[0] if rest else getattr(file, "name", name)
                files.append((name, (filename, file, *rest[1:])))
            elif hasattr(item, "read"):
                files.append((name, (getattr(item, "name", name), item)))
            else:
                fields.setdefault(name, []).append(item)
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}, files
