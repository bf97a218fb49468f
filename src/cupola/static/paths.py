"""Keeping a client-supplied path inside the folder it names a file of.

:func:`safe_join` is the one gate between a request path and the file system: every way of
serving a static file goes through it before the file is opened or even looked at.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
import stat

# C0 and C1 controls (NUL included) and DEL; none belongs in a file name we serve.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _is_safe_part(part: str) -> bool:
    """Whether one client-supplied path piece stays below the directory it is joined to."""
    return not (
        _CONTROL_RE.search(part)
        or "\\" in part
        or part.startswith("/")
        or ntpath.splitdrive(part)[0]
        or ".." in part.split("/")
    )


def lexical_join(directory: str, *pathnames: str) -> str | None:
    """Join untrusted path pieces onto ``directory`` as text, refusing unsafe pieces.

    The checks of :func:`safe_join` that need no file system: a piece that is absolute,
    has a ``..`` segment, a backslash, a control character or a Windows drive is refused.
    Symlinks are not resolved, so the result may still lead out of ``directory``.

    Args:
        directory: The trusted base directory.
        *pathnames: Untrusted relative paths, ``/``-separated.

    Returns:
        The normalized joined path, or ``None`` when a piece is unsafe.
    """
    if not all(_is_safe_part(part) for part in pathnames):
        return None
    return posixpath.normpath(posixpath.join(directory, *pathnames))


def safe_join(directory: str | os.PathLike[str], *pathnames: str) -> str | None:
    """Join untrusted path pieces onto ``directory``, refusing anything that could escape.

    A piece is refused when it is absolute, has a ``..`` segment, a backslash, a control
    character or a Windows drive, or when the joined path, with symlinks resolved, lies
    outside the resolved ``directory``. Nothing is percent-decoded here: the server has
    already decoded the path once, and decoding again would turn ``%2e%2e`` into ``..``.

    Args:
        directory: The trusted base directory.
        *pathnames: Untrusted relative paths, ``/``-separated.

    Returns:
        The joined path, or ``None`` when it is unsafe. The path may not exist.

    Example:
        >>> safe_join("/srv/static", "css/site.css")
        '/srv/static/css/site.css'
        >>> safe_join("/srv/static", "../secrets") is None
        True
    """
    base = os.fspath(directory)
    joined = lexical_join(base, *pathnames)
    if joined is None or not resolves_inside(base, joined):
        return None
    return joined


def resolves_inside(directory: str, path: str) -> bool:
    """Whether ``path``, with every symlink resolved, lies within ``directory``'s real path.

    Args:
        directory: The trusted base directory.
        path: A path below it, as :func:`lexical_join` returns.

    Returns:
        ``True`` when the resolved path is the directory or lies below it.
    """
    real_base = os.path.realpath(directory)
    # NOTE: realpath also resolves symlinks inside the directory; one that points outside
    # it is refused even though the path itself never left the directory.
    return os.path.commonpath([real_base, os.path.realpath(path)]) == real_base


def stat_regular(path: str) -> os.stat_result | None:
    """Stat ``path``, following symlinks, if it is a regular file.

    Args:
        path: A path already vetted by :func:`safe_join`.

    Returns:
        The stat result, or ``None`` when the path is missing, unreadable, a directory or
        anything else that is not a regular file.
    """
    try:
        result = os.stat(path)
    except OSError:
        return None
    return result if stat.S_ISREG(result.st_mode) else None
