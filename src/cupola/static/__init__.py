"""Static files: serving folders, sending single files, and letting clients cache them.

**Where files are served.** An app with a ``static_folder`` (``static/`` beside its module
by default) serves it at ``<static_url_path>/<path:filename>`` (``/static/…``) under the
endpoint ``"static"``; a blueprint with a ``static_folder`` serves it at ``url_prefix +
static_url_path`` under ``"<blueprint>.static"``. Only GET and HEAD are answered, and HEAD
gets exactly the headers GET would. Build URLs with ``url_for("static", filename="site.css")``
or ``url_for("admin.static", filename="admin.css")``.

**Validators.** Every file response carries a strong ``ETag`` and ``Last-Modified`` and
answers ``If-None-Match``/``If-Modified-Since`` with 304, ``If-Match``/``If-Unmodified-Since``
with 412, and one byte ``Range`` (honouring ``If-Range``) with 206 or 416.

**Caching.** A plain URL is sent with ``Cache-Control: no-cache`` (keep it, but revalidate on
each use, which costs a 304) or ``max-age=STATIC_MAX_AGE`` when that is set. With
``STATIC_URL_HASH = True``, ``url_for`` appends ``?v=<version>`` to static URLs, the version
being the first 12 hex digits of the SHA-256 of the file's bytes, and a request whose ``v``
equals the file's current version is sent with ``Cache-Control: public,
max-age=STATIC_HASHED_MAX_AGE, immutable`` (a year by default). A stale or made-up ``v``
still gets the current file, with the plain-URL policy, so a page cached before a deploy
keeps working and never pins a wrong file for a year. A missing file gets a URL without
``v``.

NOTE: the version goes in the query string rather than in the path (``site.3f2a….css``):
routes and file names stay as they are, there is no manifest to build or deploy, and an old
URL still resolves. Caches key on the whole URL, query included (RFC 9111 §2), so a new
version is a new cache entry. Versions are computed from the file itself, once per state of
the file (path, mtime in nanoseconds, size): ``url_for`` stats the file on each call and
hashes it only when that state is new, and the view checks ``v`` against the same cache.
The cache is a bounded LRU (:mod:`cupola.static.versions`).

**Pre-compressed files.** When ``site.css.br`` or ``site.css.gz`` sits beside ``site.css``,
inside the folder and not older than it, a client whose ``Accept-Encoding`` accepts ``br``
or ``gzip`` (``q`` above 0, directly or through ``*``) gets that file, Brotli first on equal
quality, with ``Content-Encoding``, the original's ``Content-Type`` and a distinct
``ETag``; ranges and 304s then apply to the compressed bytes. Every response for a file
with such a sibling carries ``Vary: Accept-Encoding``. Files are never compressed on the
fly: write the siblings when building the site (``gzip -k``, ``brotli -k``).

**Paths.** :func:`safe_join` refuses ``..`` segments, backslashes, absolute paths, drive
letters, control characters (NUL included) and symlinks leading out of the folder; each of
these, and any missing file or directory, is a 404. The server decodes the URL once and
nothing here decodes it again, so ``%252e%252e`` stays a literal name.
"""

from __future__ import annotations

from cupola.static.paths import safe_join
from cupola.static.sending import send_file, send_from_directory
from cupola.static.versions import static_version
from cupola.static.views import CachePolicy, StaticView

__all__ = [
    "CachePolicy",
    "StaticView",
    "safe_join",
    "send_file",
    "send_from_directory",
    "static_version",
]
