"""Response heads as the adapters send them, worked out once for heads that repeat.

Most responses of an app repeat their head exactly (the content type, the security
headers); only ``Content-Length`` differs, and the adapters add it. For ASGI, a head's
latin-1 encoding and whether it already names a ``Content-Length`` are kept in
:data:`HEADS`, keyed by the head's pairs as a tuple (WSGI sends text and only asks
:func:`has_content_length`, which is cheaper than the tuple and its hash). A head is kept
once each of its pairs has been seen before, so heads with one-off values (cookies, ETags)
do not fill it; every table is bounded (:mod:`cupola.http.bounded`), so random values
cannot grow them.
"""

from __future__ import annotations

from collections.abc import Iterable

from cupola.http.bounded import BoundedDict

Pairs = tuple[tuple[str, str], ...]
EncodedPairs = tuple[tuple[bytes, bytes], ...]
Head = tuple[EncodedPairs, bool]

#: Heads seen repeatedly: their encoded pairs and whether one is ``Content-Length``.
HEADS: BoundedDict[Pairs, Head] = BoundedDict()
_PAIRS: BoundedDict[tuple[str, str], tuple[bytes, bytes]] = BoundedDict(512)


def has_content_length(pairs: Iterable[tuple[str, str]]) -> bool:
    """Whether ``pairs`` already carry a ``Content-Length`` header."""
    # PERF: a plain loop (not any() over a generator); the length test skips lower().
    for name, _ in pairs:  # noqa: SIM110
        if len(name) == 14 and name.lower() == "content-length":
            return True
    return False


def work_out(pairs: Pairs) -> Head:
    """Encode a head and note its ``Content-Length``; look in :data:`HEADS` first."""
    seen = True
    encoded = []
    for pair in pairs:
        raw = _PAIRS.get(pair)
        if raw is None:
            seen = False
            raw = _PAIRS.remember(pair, (pair[0].encode("latin-1"), pair[1].encode("latin-1")))
        encoded.append(raw)
    head = (tuple(encoded), has_content_length(pairs))
    return HEADS.remember(pairs, head) if seen else head


#: Encoded ``Content-Length`` pairs by body size, for the sizes seen (bounded).
LENGTHS: BoundedDict[int, tuple[bytes, bytes]] = BoundedDict(1024)


def length_pair(size: int) -> tuple[bytes, bytes]:
    """The encoded ``Content-Length`` pair for ``size``; look in :data:`LENGTHS` first."""
    return LENGTHS.remember(size, (b"Content-Length", b"%d" % size))
