"""Content negotiation: which renderer answers a request, which parser reads its body.

A view asks its negotiation class once per request. :class:`DefaultContentNegotiation`
picks the renderer from ``?format=`` (the ``URL_FORMAT_OVERRIDE`` setting) or a format
suffix, then the ``Accept`` header, most specific media ranges first (REST framework's
rules: quality values do not reorder); no match is a 406.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cupola.http.mediatypes import parse_options_header
from cupola.rest import exceptions

if TYPE_CHECKING:
    from cupola.rest.request import Request


class MediaType:
    """A parsed media type or media range (``application/json; indent=4``, ``text/*``).

    Args:
        value: The text, as found in an ``Accept`` or ``Content-Type`` header.
    """

    __slots__ = ("main_type", "orig", "params", "sub_type")

    def __init__(self, value: str | None) -> None:
        self.orig = value or ""
        full_type, self.params = parse_options_header(self.orig)
        self.main_type, _, self.sub_type = full_type.partition("/")

    def match(self, other: MediaType) -> bool:
        """Whether this media type satisfies ``other`` (wildcards match anything)."""
        for key, value in self.params.items():
            if key != "q" and other.params.get(key) != value:
                return False
        if self.sub_type != "*" and other.sub_type not in ("*", self.sub_type):
            return False
        return self.main_type == "*" or other.main_type in ("*", self.main_type)

    @property
    def precedence(self) -> int:
        """How specific it is: 3 with parameters, 2 ``type/subtype``, 1 ``type/*``, 0 ``*/*``."""
        if self.main_type == "*":
            return 0
        if self.sub_type == "*":
            return 1
        if not self.params or list(self.params) == ["q"]:
            return 2
        return 3

    def __str__(self) -> str:
        text = f"{self.main_type}/{self.sub_type}"
        return text + "".join(f"; {key}={value}" for key, value in self.params.items())

    def __repr__(self) -> str:
        return f"<MediaType {self.orig!r}>"


@lru_cache(maxsize=256)
def parsed_media_type(value: str) -> MediaType:
    """:class:`MediaType` of a renderer's or parser's own media type, parsed once.

    Only for media types named in code (bounded); client headers are parsed per request.
    """
    return MediaType(value)


def media_type_matches(lhs: str, rhs: str) -> bool:
    """Whether media type ``lhs`` satisfies ``rhs`` (for example a parser's and a body's)."""
    return MediaType(lhs).match(MediaType(rhs))


def by_precedence(media_types: Sequence[MediaType]) -> list[list[MediaType]]:
    """Group media ranges by :attr:`MediaType.precedence`, most specific group first."""
    groups: list[list[MediaType]] = [[], [], [], []]
    seen: set[str] = set()
    for media_type in media_types:
        if media_type.orig not in seen:
            seen.add(media_type.orig)
            groups[3 - media_type.precedence].append(media_type)
    return [group for group in groups if group]


class BaseContentNegotiation:
    """Base class of negotiation policies: override both methods."""

    def select_parser(self, request: Request, parsers: Sequence[Any]) -> Any:
        """Return the parser for the request's body, or ``None``."""
        raise NotImplementedError(".select_parser() must be implemented")

    def select_renderer(
        self, request: Request, renderers: Sequence[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        """Return ``(renderer, media type)`` for the response.

        Raises:
            NotAcceptable: When no renderer suits the request.
        """
        raise NotImplementedError(".select_renderer() must be implemented")


class DefaultContentNegotiation(BaseContentNegotiation):
    """Negotiation by format override, then ``Accept``.

    Attributes:
        max_accept_header_length: Characters of ``Accept`` considered.
        max_accept_tokens: Media ranges of ``Accept`` considered.
        max_media_type_length: Longer media ranges (and content types) are ignored.
    """

    max_accept_header_length = 8192
    max_accept_tokens = 64
    max_media_type_length = 256

    def select_parser(self, request: Request, parsers: Sequence[Any]) -> Any:
        """The first parser whose media type matches the ``Content-Type``, or ``None``."""
        content_type = request.content_type
        if len(content_type) > self.max_media_type_length:
            return None
        # PERF: a body of exactly the first parser's media type is that parser's.
        if parsers and parsers[0].media_type == content_type:
            return parsers[0]
        body_type = MediaType(content_type)
        for parser in parsers:
            if parsed_media_type(parser.media_type).match(body_type):
                return parser
        return None

    def select_renderer(
        self, request: Request, renderers: Sequence[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        """Pick the renderer and media type.

        Raises:
            NotFound: When a format is asked for that no renderer has (404).
            NotAcceptable: When no renderer matches ``Accept`` (406).
        """
        override = request._settings.get("URL_FORMAT_OVERRIDE")
        fmt = format_suffix or (request.query_params.get(override) if override else None)
        if fmt:
            renderers = self.filter_renderers(renderers, fmt)
        # PERF: one header read parses no other header; only an absent or empty Accept,
        # which that read does not tell apart, looks at them all.
        accept = request.header("accept")
        if accept is None:
            accept = request.headers.get("accept")
        # PERF: no Accept header (or */*) takes the first renderer without parsing, and a
        # lone media type without parameters matches the first renderer naming it exactly.
        if accept is None or accept == "*/*":
            return renderers[0], renderers[0].media_type
        if "," not in accept and ";" not in accept and "*" not in accept:
            for renderer in renderers:
                if renderer.media_type == accept:
                    return renderer, accept
        offered = [(renderer, parsed_media_type(renderer.media_type)) for renderer in renderers]
        for group in by_precedence(self.get_accept_list(accept)):
            for renderer, renderer_type in offered:
                for wanted in group:
                    if renderer_type.match(wanted):
                        if renderer_type.precedence > wanted.precedence:
                            # A range (*/*, text/*) takes the renderer's own media type.
                            extra = "".join(f";{k}={v}" for k, v in wanted.params.items())
                            return renderer, renderer.media_type + extra
                        return renderer, wanted.orig
        raise exceptions.NotAcceptable(available_renderers=renderers)

    def filter_renderers(self, renderers: Sequence[Any], fmt: str) -> list[Any]:
        """The renderers of format ``fmt``.

        Raises:
            NotFound: When there is none.
        """
        matching = [renderer for renderer in renderers if renderer.format == fmt]
        if not matching:
            raise exceptions.NotFound()
        return matching

    def get_accept_list(self, header: str) -> list[MediaType]:
        """The media ranges of an ``Accept`` header, within this class's limits."""
        if len(header) > self.max_accept_header_length:
            cut = header.rfind(",", 0, self.max_accept_header_length)
            header = header[: cut + 1] if cut != -1 else ""
        ranges: list[MediaType] = []
        for token in header.split(","):
            token = token.strip()
            if token and len(token) <= self.max_media_type_length:
                ranges.append(MediaType(token))
                if len(ranges) >= self.max_accept_tokens:
                    break
        return ranges


__all__ = [
    "BaseContentNegotiation",
    "DefaultContentNegotiation",
    "MediaType",
    "media_type_matches",
]
