"""Content versions of static files, for URLs that may be cached for good.

A file's version is the start of the SHA-256 of its bytes. ``url_for`` appends it to static
URLs when ``STATIC_URL_HASH`` is on, and the static view compares a request's ``v`` with the
same value. Each version is computed once per state of the file and kept in a bounded cache.
"""

from __future__ import annotations

import functools
import hashlib
import os

from cupola.static.paths import lexical_join, resolves_inside, stat_regular

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
def _version(
    directory: str, path: str, device: int, inode: int, mtime_ns: int, size: int
) -> str | None:
    # NOTE: the stat fields only key the cache. An edited or replaced file gets a new entry
    # and its old ones age out; a hit is the very file (device and inode) already checked,
    # so the symlink check, which resolves the whole path, runs on misses only.
    return hash_file(path) if resolves_inside(directory, path) else None


def static_version(directory: str, filename: str) -> str | None:
    """The version of ``filename`` within ``directory``, as ``url_for`` appends it.

    Costs one ``stat`` of the file when its version is cached; the file is read only when
    its path, device, inode, mtime or size is new.

    Args:
        directory: The static folder.
        filename: The file's path within it, as given to ``url_for`` or in a URL.

    Returns:
        The version, or ``None`` when the path leaves the folder or names no readable
        regular file (the URL is then built without one).
    """
    # NOTE: normalized so that url_for and the view, which may spell the folder
    # differently ("/app/../static"), share cache entries.
    directory = os.path.abspath(directory)
    path = lexical_join(directory, filename)
    result = None if path is None else stat_regular(path)
    if path is None or result is None:
        return None
    try:
        return _version(
            directory, path, result.st_dev, result.st_ino, result.st_mtime_ns, result.st_size
        )
    except OSError:
        return None
