"""Serving files from a directory without letting a request path escape it.

:func:`safe_join` is the one gate between a client-supplied path and the file system;
:func:`send_from_directory` and the view :func:`static_view` builds (what the app mounts
at ``static_url_path``) both go through it, then answer with a
:class:`~cupola.http.files.FileResponse`.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
from collections.abc import Callable
from typing import Any

from cupola.exceptions import NotFound
from cupola.http.files import FileResponse

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
    if not all(_is_safe_part(part) for part in pathnames):
        return None
    joined = posixpath.normpath(posixpath.join(base, *pathnames))
    real_base = os.path.realpath(base)
    # NOTE: realpath also resolves symlinks inside the directory; one that points outside
    # it is refused even though the path itself never left the directory.
    if os.path.commonpath([real_base, os.path.realpath(joined)]) != real_base:
        return None
    return joined


def send_from_directory(
    directory: str | os.PathLike[str], path: str, **options: Any
) -> FileResponse:
    """Send the file at ``path`` below ``directory``.

    Args:
        directory: The trusted base directory.
        path: The untrusted path of the file within it.
        **options: Keyword arguments for :class:`~cupola.http.files.FileResponse`.

    Returns:
        A file response for the file.

    Raises:
        NotFound: When ``path`` is unsafe, missing, or not a regular file.
    """
    full_path = safe_join(directory, path)
    if full_path is None:
        raise NotFound()
    return FileResponse(full_path, **options)


def static_view(directory: str, max_age: int | None = None) -> Callable[[str], FileResponse]:
    """Build the view that serves ``directory``, as the app and blueprints mount it.

    Args:
        directory: The folder to serve; made absolute once, here.
        max_age: Seconds clients may cache files; ``None`` sends ``no-cache`` so clients
            revalidate with the ``ETag`` on each use.

    Returns:
        A view taking the ``filename`` path parameter.
    """
    root = os.path.abspath(directory)

    def static(filename: str) -> FileResponse:
        return send_from_directory(root, filename, max_age=max_age)

    return static
