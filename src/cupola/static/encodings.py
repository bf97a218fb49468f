"""Pre-compressed siblings of static files and ``Accept-Encoding`` (RFC 9110 §12.5.3).

A file such as ``site.css`` may have ``site.css.br`` and ``site.css.gz`` beside it, written
when the site is built. :func:`find_siblings` lists those that can stand in for the file and
:func:`choose_sibling` picks the one the client accepts, preferring Brotli on a tie.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from typing import NamedTuple

from cupola.http.files import file_etag
from cupola.http.mediatypes import parse_options_header
from cupola.static.paths import resolves_inside, stat_regular

#: Content codings served from siblings, with their suffix, in the server's preference.
CODINGS: tuple[tuple[str, str], ...] = (("br", ".br"), ("gzip", ".gz"))
# RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")
# RFC 9110 §8.4.1.3: "x-gzip" is to be read as "gzip".
_ALIASES = {"x-gzip": "gzip"}


class Sibling(NamedTuple):
    """A pre-compressed file that stands in for the original."""

    #: The content coding, as sent in ``Content-Encoding``.
    coding: str
    #: The sibling's path.
    path: str
    #: Its :func:`os.stat` result.
    stat: os.stat_result

    @property
    def etag(self) -> str:
        """A strong ``ETag`` for this representation, never equal to the original's."""
        return f'{file_etag(self.stat)[:-1]}-{self.coding}"'


def parse_accept_encoding(value: str | None) -> dict[str, float]:
    """Read the quality the client gives each content coding.

    Codings are lowercased, ``x-gzip`` counts as ``gzip``, entries with an invalid ``q``
    are dropped, and a coding listed twice keeps its lower quality.

    Args:
        value: The ``Accept-Encoding`` header, or ``None``.

    Returns:
        A quality between 0 and 1 for each listed coding, ``*`` included.

    Example:
        >>> parse_accept_encoding("gzip;q=0.5, br, *;q=0")
        {'gzip': 0.5, 'br': 1.0, '*': 0.0}
    """
    qualities: dict[str, float] = {}
    for item in (value or "").split(","):
        coding, params = parse_options_header(item)
        quality = params.get("q", "1").strip()
        if coding and _QVALUE.fullmatch(quality):
            coding = _ALIASES.get(coding, coding)
            qualities[coding] = min(float(quality), qualities.get(coding, 1.0))
    return qualities


def choose_sibling(accept_encoding: str | None, siblings: Sequence[Sibling]) -> Sibling | None:
    """Pick the sibling the client prefers among those it accepts.

    A coding the header does not list takes the quality of ``*``; ``q=0`` refuses it. On
    equal quality the earlier sibling (the server's preference) wins. Without the header
    no sibling is chosen: RFC 9110 would allow any coding, but clients that send no
    ``Accept-Encoding`` often cannot decode one.

    Args:
        accept_encoding: The request's ``Accept-Encoding``, or ``None``.
        siblings: The available siblings, most preferred first.

    Returns:
        The sibling to send, or ``None`` to send the original.
    """
    if accept_encoding is None or not siblings:
        return None
    qualities = parse_accept_encoding(accept_encoding)
    fallback = qualities.get("*", 0.0)
    best: Sibling | None = None
    best_quality = 0.0
    for sibling in siblings:
        quality = qualities.get(sibling.coding, fallback)
        if quality > best_quality:
            best, best_quality = sibling, quality
    return best


def find_siblings(directory: str, path: str, original: os.stat_result) -> list[Sibling]:
    """List the pre-compressed siblings that may be sent instead of a file.

    A sibling counts when it is a regular file inside ``directory`` (a symlink leading out
    is ignored) and is not older than the original, so a stale one left behind by an
    edit is never served.

    Args:
        directory: The static folder.
        path: The original's full path, already vetted by ``safe_join``.
        original: The original's :func:`os.stat` result.

    Returns:
        The siblings, in the order of :data:`CODINGS`.
    """
    siblings: list[Sibling] = []
    for coding, suffix in CODINGS:
        candidate = path + suffix
        try:
            link = os.lstat(candidate)
        except OSError:
            continue
        result: os.stat_result | None = link
        if stat.S_ISLNK(link.st_mode) or os.path.islink(path):
            # NOTE: through a symlink the sibling may lie outside the folder, so it is
            # checked like a request path. Otherwise it sits in the original's directory,
            # which safe_join resolved inside the folder, and resolving again is wasted.
            inside = resolves_inside(directory, candidate)
            result = stat_regular(candidate) if inside else None
        if (
            result is not None
            and stat.S_ISREG(result.st_mode)
            and result.st_mtime_ns >= original.st_mtime_ns
        ):
            siblings.append(Sibling(coding, candidate, result))
    return siblings
