"""The view that serves a static folder, as the app and each blueprint mount it.

:class:`StaticView` vets the path, picks a pre-compressed sibling the client accepts, and
sets ``Cache-Control`` from a :class:`CachePolicy`: long and ``immutable`` for a URL whose
``v`` is the file's current version, revalidation (or ``STATIC_MAX_AGE``) otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cupola.exceptions import ImproperlyConfigured, NotFound
from cupola.http.files import FileResponse, guess_content_type
from cupola.http.request import Request
from cupola.static.encodings import choose_sibling, find_siblings
from cupola.static.paths import safe_join, stat_regular
from cupola.static.versions import static_version


def _seconds(config: Mapping[str, Any], key: str) -> int | None:
    value = config.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    raise ImproperlyConfigured(
        f"config[{key!r}] must be a number of seconds (an int, 0 or more) or None, not {value!r}."
    )


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How long clients may keep the files a static view serves.

    Args:
        max_age: Seconds for a URL without a current version; ``None`` sends ``no-cache``
            so clients revalidate with the ``ETag`` on each use.
        hashed_max_age: Seconds for a URL whose ``v`` is the file's current version, sent
            as ``public, max-age=…, immutable``; ``None`` ignores ``v``.

    Example:
        >>> CachePolicy(hashed_max_age=31536000).hashed_cache_control
        'public, max-age=31536000, immutable'
    """

    max_age: int | None = None
    hashed_max_age: int | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CachePolicy:
        """Read ``STATIC_MAX_AGE``, ``STATIC_URL_HASH`` and ``STATIC_HASHED_MAX_AGE``.

        Args:
            config: The app's configuration.

        Returns:
            The policy; versions are honoured only when ``STATIC_URL_HASH`` is on.

        Raises:
            ImproperlyConfigured: When a max age is not a non-negative int or ``None``.
        """
        max_age = _seconds(config, "STATIC_MAX_AGE")
        hashed_max_age = _seconds(config, "STATIC_HASHED_MAX_AGE")
        return cls(max_age, hashed_max_age if config.get("STATIC_URL_HASH") else None)

    @property
    def hashed_cache_control(self) -> str:
        """The ``Cache-Control`` value for a URL carrying the current version."""
        return f"public, max-age={self.hashed_max_age}, immutable"


class StaticView:
    """The view serving ``directory`` at ``<static_url_path>/<path:filename>``.

    Args:
        directory: The folder to serve; made absolute once, here.
        policy: How long clients may cache what it serves.

    Attributes:
        directory: The absolute folder.
        policy: The cache policy.

    Example:
        >>> view = StaticView("static", CachePolicy(hashed_max_age=31536000))
    """

    __slots__ = ("directory", "policy")

    def __init__(self, directory: str, policy: CachePolicy | None = None) -> None:
        self.directory = os.path.abspath(directory)
        self.policy = policy or CachePolicy()

    def __repr__(self) -> str:
        return f"<StaticView {self.directory!r}>"

    def __call__(self, filename: str, request: Request) -> FileResponse:
        """Serve ``filename`` from the folder, pre-compressed when the client accepts it.

        Args:
            filename: The path within the folder, from the URL.
            request: The request being answered.

        Returns:
            The file response (200, 206 or 304).

        Raises:
            NotFound: When the path leaves the folder or names no regular file.
        """
        path = safe_join(self.directory, filename)
        original = None if path is None else stat_regular(path)
        if path is None or original is None:
            raise NotFound()
        max_age = self.policy.max_age
        siblings = find_siblings(self.directory, path, original)
        sibling = choose_sibling(request.headers.get("accept-encoding"), siblings)
        if sibling is None:
            response = FileResponse(path, max_age=max_age, request=request)
        else:
            response = FileResponse(
                sibling.path,
                content_type=guess_content_type(path),
                filename=os.path.basename(path),
                etag=sibling.etag,
                max_age=max_age,
                request=request,
            )
            if response.status != 304:  # RFC 9110 §15.4.5: no representation metadata
                response.headers.set("Content-Encoding", sibling.coding)
        if siblings:
            # RFC 9110 §12.5.5: caches must key on Accept-Encoding for this file, whichever
            # representation this response carries.
            response.headers.set("Vary", "Accept-Encoding")
        if self._carries_version(request, filename):
            response.headers.set("Cache-Control", self.policy.hashed_cache_control)
        return response

    def _carries_version(self, request: Request, filename: str) -> bool:
        """Whether the URL's ``v`` is the file's current version (and versions count)."""
        if self.policy.hashed_max_age is None:
            return False
        version = request.args.get("v")
        return version is not None and version == static_version(self.directory, filename)
