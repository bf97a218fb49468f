"""The REST response: data rendered by the renderer content negotiation picked.

A REST view returns ``Response(data, status=201)``; the view's ``finalize_response`` sets the
accepted renderer and calls :meth:`Response.render`, which fills the body and the
``Content-Type``. A 204, or data of ``None``, has no body and no ``Content-Type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from cupola.http.headers import HeadersInput
from cupola.http.response import Response as CupolaResponse


class Response(CupolaResponse):
    """A response holding data until it is rendered.

    Args:
        data: What to render: dicts, lists, strings, numbers (serializer output).
        status: The status code (200 by default).
        template_name: The template, for :class:`~cupola.rest.renderers.TemplateHTMLRenderer`.
        headers: Extra headers.
        exception: Whether the response reports an error (set by the view).
        content_type: A ``Content-Type`` instead of the renderer's.

    Example:
        >>> Response({"id": 1}, status=201).data
        {'id': 1}
    """

    def __init__(
        self,
        data: Any = None,
        status: int | None = None,
        template_name: str | None = None,
        headers: HeadersInput | Mapping[str, str] | None = None,
        exception: bool = False,
        content_type: str | None = None,
    ) -> None:
        if isinstance(data, CupolaResponse):
            raise TypeError(
                "Response(data) takes the data to render, not a response: return that "
                "response itself."
            )
        CupolaResponse.__init__(self, b"", 200 if status is None else status, headers)
        self.data = data
        self.template_name = template_name
        self.exception = exception
        self.explicit_content_type = content_type
        self.accepted_renderer: Any = None
        self.accepted_media_type: str | None = None
        self.renderer_context: dict[str, Any] = {}
        self.is_rendered = False

    @property
    def status_text(self) -> str:
        """The reason phrase of the status, such as ``"Not Found"``."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""

    def render(self) -> Response:
        """Render the data with :attr:`accepted_renderer` (once).

        Raises:
            RuntimeError: When no renderer was set (the response did not pass through a
                REST view).
        """
        if self.is_rendered:
            return self
        renderer = self.accepted_renderer
        if renderer is None:
            raise RuntimeError(
                "A REST Response was not rendered: return it from an APIView (or an "
                "@api_view function), which picks its renderer."
            )
        self.renderer_context["response"] = self
        content_type = self.explicit_content_type
        if content_type is None:
            charset = renderer.charset
            content_type = (
                f"{renderer.media_type}; charset={charset}" if charset else renderer.media_type
            )
        # NOTE: 204 and 304 never carry a body (RFC 9110 §15.3.5, §15.4.5).
        if self.status in (204, 304):
            body: bytes | str = b""
        else:
            self.headers["Content-Type"] = content_type
            body = renderer.render(self.data, self.accepted_media_type, self.renderer_context)
        if isinstance(body, str):
            body = body.encode(renderer.charset or "utf-8")
        if not body:
            self.headers.pop("Content-Type", None)
        self.body = body
        self.is_rendered = True
        return self

    @property
    def rendered_content(self) -> bytes:
        """The body, rendering it first if needed."""
        return self.render().body


__all__ = ["Response"]
