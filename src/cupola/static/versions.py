"""Content versions of static files, for URLs that may be cached for good.

A file's version is the start of the SHA-256 of its bytes. ``url_for`` appends it to static
URLs when ``STATIC_URL_HASH`` is on, and the static view compares a request's ``v`` with the
same value. Each version is computed once per state of the file and kept in a bounded cache.
"""

from __future__ import annotations

import functools
import hashlib
import os

from cupola.static.paths import safe_join, stat_regular

#: Hex digits kept from the digest: 48 bits, so two states of one file collide with odds
#: of about one in 2.8e14.
VERSION_LENGTH = 12
# One entry per state of a file: enough for every asset of a large site and a few edits of
# each, while bounding what a long-running process keeps.
_CACHE_SIZE = 4096


def hash_file(path: str) -> str:
    """Hash a file's bytes.

    Args:
        path: The file.

    Returns:
        The first :data:`VERSION_LENGTH` hex digits of its SHA-256.

    Raises:
        OSError: When the file cannot be read.
    """
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:VERSION_LENGTH]


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _cached_version(path: str, mtime_ns: int, size: int) -> str:
    # NOTE: mtime and size only key the cache: an edited file gets a new entry (and a new
    # version) without being hashed on every lookup, and its old entries age out.
    return hash_file(path)


def file_version(path: str, result: os.stat_result) -> str | None:
    """The version of the file at ``path`` in the state ``result`` describes.

    Args:
        path: A regular file.
        result: Its current :func:`os.stat` result.

    Returns:
        The version, or ``None`` when the file cannot be read.
    """
    try:
        return _cached_version(path, result.st_mtime_ns, result.st_size)
    except OSError:
        return None


def static_version(directory: str, filename: str) -> str | None:
    """The version of ``filename`` within ``directory``, as ``url_for`` appends it.

    Args:
        directory: The static folder.
        filename: The file's path within it, as given to ``url_for``.

    Returns:
        The version, or ``None`` when the path leaves the folder or names no readable
        regular file (the URL is then built without one).
    """
    path = safe_join(directory, filename)
    result = None if path is None else stat_regular(path)
    if path is None or result is None:
        return None
    return file_version(path, result)
