"""The static package piece by piece: paths, versions, encodings, sending, the view."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import cupola.static
from cupola import Cupola
from cupola.exceptions import (
    ImproperlyConfigured,
    NotFound,
    PreconditionFailed,
    RangeNotSatisfiable,
)
from cupola.http.files import FileResponse, file_etag
from cupola.http.response import StreamingResponse
from cupola.static import (
    CachePolicy,
    StaticView,
    safe_join,
    send_file,
    send_from_directory,
    static_version,
)
from cupola.static.encodings import Sibling, choose_sibling, find_siblings, parse_accept_encoding
from cupola.static.paths import lexical_join, resolves_inside, stat_regular
from cupola.static.versions import hash_file


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A static folder with a file, a subfolder, and a secret next to it."""
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_text("body {}")
    (static / "hello.txt").write_text("hello")
    (static / "%2e%2e").mkdir()  # a real directory whose name looks encoded
    (static / "%2e%2e" / "x").write_text("literal")
    (tmp_path / "secret.txt").write_text("secret")
    return static


def test_all_is_pinned() -> None:
    assert cupola.static.__all__ == [
        "CachePolicy",
        "StaticView",
        "safe_join",
        "send_file",
        "send_from_directory",
        "static_version",
    ]
    for name in cupola.static.__all__:
        assert hasattr(cupola.static, name), name


# -- safe_join -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attack",
    [
        "../x",
        "..",
        "../secret.txt",
        "a/../../x",
        "css/../../secret.txt",
        "a/..",  # never allowed, even when it stays inside
        "..\\x",
        "css\\..\\..\\secret.txt",
        "/etc/passwd",
        "//etc/passwd",
        "C:\\x",
        "C:/x",
        "c:x",
        "\\\\server\\share\\x",
        "hello.txt\x00.png",
        "\x00",
        "a\nb",
        "a\rb",
        "a\tb",
        "a\x7fb",
        "a\x85b",
    ],
)
def test_safe_join_refuses_escapes(root: Path, attack: str) -> None:
    assert safe_join(root, attack) is None


@pytest.mark.parametrize(
    ("pathname", "expected"),
    [
        ("hello.txt", "hello.txt"),
        ("css/site.css", "css/site.css"),
        ("./css//site.css", "css/site.css"),
        ("%2e%2e/x", "%2e%2e/x"),  # already decoded once: literal, never decoded again
        ("%252e%252e/x", "%252e%252e/x"),
        ("...", "..."),
        ("a..b/c", "a..b/c"),
        ("missing/file.txt", "missing/file.txt"),
        ("", ""),
    ],
)
def test_safe_join_accepts_paths_inside(root: Path, pathname: str, expected: str) -> None:
    assert safe_join(root, pathname) == os.path.normpath(os.path.join(root, expected))


def test_safe_join_takes_several_pieces(root: Path) -> None:
    assert safe_join(root, "css", "site.css") == str(root / "css" / "site.css")
    assert safe_join(str(root), "css", "../..") is None
    assert safe_join(root, "css", "/etc/passwd") is None


def test_safe_join_refuses_a_symlink_leading_outside(root: Path, tmp_path: Path) -> None:
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "up").symlink_to(tmp_path)
    assert safe_join(root, "leak.txt") is None
    assert safe_join(root, "up/secret.txt") is None
    assert safe_join(root, "up") is None


def test_safe_join_allows_a_symlink_inside(root: Path) -> None:
    (root / "alias.txt").symlink_to(root / "hello.txt")
    (root / "styles").symlink_to(root / "css")
    assert safe_join(root, "alias.txt") == str(root / "alias.txt")
    assert safe_join(root, "styles/site.css") == str(root / "styles" / "site.css")


def test_safe_join_resolves_a_symlinked_directory_itself(root: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(root)
    assert safe_join(tmp_path / "link", "hello.txt") == str(tmp_path / "link" / "hello.txt")


def test_lexical_join_does_not_resolve_symlinks(root: Path, tmp_path: Path) -> None:
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    assert lexical_join(str(root), "./css//../leak.txt") is None  # ".." is refused as text
    assert lexical_join(str(root), "./leak.txt") == str(root / "leak.txt")
    assert not resolves_inside(str(root), str(root / "leak.txt"))
    assert resolves_inside(str(root), str(root / "css" / "site.css"))


# -- send_from_directory -------------------------------------------------------------------


def test_send_from_directory_sends_the_file(root: Path) -> None:
    response = send_from_directory(root, "css/site.css", max_age=60)
    assert isinstance(response, FileResponse)
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    assert response.headers["Cache-Control"] == "max-age=60"
    assert b"".join(response.iter_chunks()) == b"body {}"


def test_send_from_directory_serves_a_literal_encoded_name(root: Path) -> None:
    response = send_from_directory(root, "%2e%2e/x")
    assert b"".join(response.iter_chunks()) == b"literal"


@pytest.mark.parametrize(
    "path",
    ["../secret.txt", "..\\secret.txt", "/etc/passwd", "missing.txt", "css", "", "%252e%252e/x"],
)
def test_send_from_directory_not_found(root: Path, path: str) -> None:
    with pytest.raises(NotFound):
        send_from_directory(root, path)


def test_send_from_directory_not_found_through_an_outside_symlink(
    root: Path, tmp_path: Path
) -> None:
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(NotFound):
        send_from_directory(root, "leak.txt")


def test_send_from_directory_refuses_a_symlink_loop(root: Path) -> None:
    (root / "loop").symlink_to(root / "loop")
    with pytest.raises(NotFound):
        send_from_directory(root, "loop")


# -- stat_regular --------------------------------------------------------------------------


def test_stat_regular(root: Path) -> None:
    (root / "alias.txt").symlink_to(root / "hello.txt")
    result = stat_regular(str(root / "alias.txt"))
    assert result is not None
    assert result.st_size == 5
    assert stat_regular(str(root / "css")) is None
    assert stat_regular(str(root / "missing.txt")) is None


# -- versions ------------------------------------------------------------------------------


def test_hash_file_is_the_start_of_the_sha256(root: Path) -> None:
    assert hash_file(str(root / "hello.txt")) == hashlib.sha256(b"hello").hexdigest()[:12]


def count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each file hashed from now on."""
    calls: list[str] = []
    real = cupola.static.versions.hash_file

    def counting(path: str) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(cupola.static.versions, "hash_file", counting)
    return calls


def test_static_version_hashes_each_state_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_hashes(monkeypatch)
    path = root / "hello.txt"
    first = static_version(str(root), "hello.txt")
    assert first == hashlib.sha256(b"hello").hexdigest()[:12]
    assert static_version(str(root), "hello.txt") == first
    assert static_version(f"{root}/../{root.name}/", "./hello.txt") == first  # same folder
    result = path.stat()
    os.utime(path, ns=(result.st_atime_ns, result.st_mtime_ns + 1))
    assert static_version(str(root), "hello.txt") == first  # same bytes, new state
    assert calls == [str(path), str(path)]


def test_the_version_cache_is_bounded() -> None:
    assert cupola.static.versions._version.cache_info().maxsize == 4096


def test_static_version_of_an_unreadable_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(path: str) -> str:
        raise PermissionError(path)

    monkeypatch.setattr(cupola.static.versions, "hash_file", unreadable)
    assert static_version(str(root), "hello.txt") is None


@pytest.mark.parametrize(
    ("filename", "found"),
    [
        ("css/site.css", True),
        ("../secret.txt", False),
        ("missing.css", False),
        ("css", False),
        ("css\\site.css", False),
    ],
)
def test_static_version(root: Path, filename: str, found: bool) -> None:
    expected = hashlib.sha256(b"body {}").hexdigest()[:12] if found else None
    assert static_version(str(root), filename) == expected


def test_static_version_follows_symlinks_only_inside(root: Path, tmp_path: Path) -> None:
    (root / "alias.txt").symlink_to(root / "hello.txt")
    (root / "link.txt").symlink_to(root / "hello.txt")
    assert static_version(str(root), "alias.txt") == hashlib.sha256(b"hello").hexdigest()[:12]
    assert static_version(str(root), "link.txt") is not None
    (root / "link.txt").unlink()
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert static_version(str(root), "link.txt") is None


# -- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, {}),
        ("", {}),
        ("gzip, br", {"gzip": 1.0, "br": 1.0}),
        ("GZip;Q=0.5 , BR ; q=0.25", {"gzip": 0.5, "br": 0.25}),
        ("x-gzip", {"gzip": 1.0}),
        ("gzip, gzip;q=0", {"gzip": 0.0}),  # a refusal anywhere wins
        ("*;q=0, identity", {"*": 0.0, "identity": 1.0}),
        ("br;q=1.5, gzip;q=0.1234, deflate;q=, zstd;q=1.000", {"zstd": 1.0}),
        (", ;q=1, gzip", {"gzip": 1.0}),
    ],
)
def test_parse_accept_encoding(header: str | None, expected: dict[str, float]) -> None:
    assert parse_accept_encoding(header) == expected


@pytest.fixture
def siblings(root: Path) -> list[Sibling]:
    result = os.stat(root / "hello.txt")
    return [Sibling("br", "hello.txt.br", result), Sibling("gzip", "hello.txt.gz", result)]


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        (None, None),
        ("", None),
        ("gzip, br", "br"),
        ("gzip;q=0.9, br;q=0.8", "gzip"),
        ("*", "br"),
        ("*;q=0.5, gzip", "gzip"),
        ("br;q=0, *", "gzip"),
        ("identity, deflate", None),
    ],
)
def test_choose_sibling(siblings: list[Sibling], header: str | None, coding: str | None) -> None:
    chosen = choose_sibling(header, siblings)
    assert (chosen.coding if chosen is not None else None) == coding


def test_choose_sibling_without_siblings() -> None:
    assert choose_sibling("br, gzip", []) is None


def test_sibling_etag_differs_from_the_file_etag(siblings: list[Sibling]) -> None:
    br, gz = siblings
    plain = file_etag(br.stat)
    assert len({plain, br.etag, gz.etag}) == 3
    assert br.etag.startswith('"') and br.etag.endswith('-br"')


def write_siblings(root: Path) -> os.stat_result:
    original = root / "hello.txt"
    (root / "hello.txt.br").write_bytes(b"br")
    (root / "hello.txt.gz").write_bytes(gzip.compress(b"hello"))
    return original.stat()


def test_find_siblings_in_preference_order(root: Path) -> None:
    original = write_siblings(root)
    found = find_siblings(str(root), str(root / "hello.txt"), original)
    assert [(s.coding, s.path) for s in found] == [
        ("br", str(root / "hello.txt.br")),
        ("gzip", str(root / "hello.txt.gz")),
    ]


def test_find_siblings_skips_stale_and_odd_ones(root: Path) -> None:
    original = write_siblings(root)
    (root / "hello.txt.br").unlink()
    (root / "hello.txt.br").mkdir()
    os.utime(root / "hello.txt.gz", ns=(original.st_atime_ns, original.st_mtime_ns - 1))
    assert find_siblings(str(root), str(root / "hello.txt"), original) == []


def test_find_siblings_checks_siblings_of_a_symlink(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "page.txt").symlink_to(root / "hello.txt")
    (outside / "page.txt.gz").write_bytes(b"outside the folder")
    (root / "out").symlink_to(outside)
    path = safe_join(root, "out/page.txt")
    assert path is not None  # the file itself resolves inside
    original = os.stat(path)
    assert find_siblings(str(root), path, original) == []
    (root / "alias.txt").symlink_to(root / "hello.txt")
    (root / "alias.txt.gz").write_bytes(b"inside")
    found = find_siblings(str(root), str(root / "alias.txt"), original)
    assert [s.path for s in found] == [str(root / "alias.txt.gz")]


def test_find_siblings_follows_symlinks_only_inside(root: Path, tmp_path: Path) -> None:
    original = write_siblings(root)
    (root / "hello.txt.br").unlink()
    (root / "hello.txt.br").symlink_to(tmp_path / "secret.txt")
    (root / "hello.txt.gz").rename(root / "css" / "hello.gz")
    (root / "hello.txt.gz").symlink_to(root / "css" / "hello.gz")
    found = find_siblings(str(root), str(root / "hello.txt"), original)
    assert [s.coding for s in found] == ["gzip"]


# -- CachePolicy ---------------------------------------------------------------------------


def test_cache_policy_from_the_default_config(app: Cupola) -> None:
    assert CachePolicy.from_config(app.config) == CachePolicy(None, None)
    app.config.update(STATIC_URL_HASH=True, STATIC_MAX_AGE=0)
    policy = CachePolicy.from_config(app.config)
    assert policy == CachePolicy(0, 31536000)
    assert policy.hashed_cache_control == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("key", ["STATIC_MAX_AGE", "STATIC_HASHED_MAX_AGE"])
@pytest.mark.parametrize("value", [-1, True, "60", 1.5])
def test_cache_policy_refuses_bad_max_ages(app: Cupola, key: str, value: Any) -> None:
    app.config[key] = value
    with pytest.raises(ImproperlyConfigured, match=key):
        CachePolicy.from_config(app.config)


# -- StaticView ----------------------------------------------------------------------------


def test_static_view_serves_files_and_revalidates_by_default(app: Cupola, root: Path) -> None:
    view = StaticView(str(root))
    with app.test_request_context("/static/hello.txt") as request:
        response = view("hello.txt", request)
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]
    assert b"".join(response.iter_chunks()) == b"hello"
    assert repr(view) == f"<StaticView {str(root)!r}>"


def test_static_view_max_age(app: Cupola, root: Path) -> None:
    view = StaticView(str(root), CachePolicy(max_age=86400))
    with app.test_request_context("/") as request:
        assert view("hello.txt", request).headers["Cache-Control"] == "max-age=86400"


def test_static_view_resolves_a_relative_folder_once(
    app: Cupola, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root.parent)
    view = StaticView("static")
    monkeypatch.chdir(root / "css")
    assert view.directory == str(root)
    with app.test_request_context("/") as request:
        response = view("hello.txt", request)
    assert isinstance(response, FileResponse)
    assert response.path == str(root / "hello.txt")


@pytest.mark.parametrize("attack", ["../secret.txt", "/etc/passwd", "css/../../secret.txt", "css"])
def test_static_view_refuses_escapes(app: Cupola, root: Path, attack: str) -> None:
    view = StaticView(str(root))
    with app.test_request_context("/") as request, pytest.raises(NotFound):
        view(attack, request)


def test_static_view_answers_conditional_requests(app: Cupola, root: Path) -> None:
    view = StaticView(str(root))
    with app.test_request_context("/") as request:
        etag = view("hello.txt", request).headers["ETag"]
    with app.test_request_context("/", headers={"If-None-Match": etag}) as request:
        assert view("hello.txt", request).status == 304


def test_static_view_honours_a_version_only_when_hashing(app: Cupola, root: Path) -> None:
    version = hashlib.sha256(b"hello").hexdigest()[:12]
    hashed = StaticView(str(root), CachePolicy(hashed_max_age=60))
    plain = StaticView(str(root))
    with app.test_request_context(f"/?v={version}") as request:
        assert hashed("hello.txt", request).headers["Cache-Control"] == (
            "public, max-age=60, immutable"
        )
        assert plain("hello.txt", request).headers["Cache-Control"] == "no-cache"
    with app.test_request_context("/") as request:
        assert hashed("hello.txt", request).headers["Cache-Control"] == "no-cache"


# -- send_file -----------------------------------------------------------------------------


def body(response: StreamingResponse) -> bytes:
    return b"".join(response.iter_chunks())


class Tracked(io.BytesIO):
    """A BytesIO that can be made to report that it cannot seek."""

    def __init__(self, data: bytes, *, seekable: bool = True) -> None:
        super().__init__(data)
        self._seekable = seekable

    def seekable(self) -> bool:
        return self._seekable


def test_send_file_with_a_path(root: Path) -> None:
    response = send_file(root / "hello.txt")
    assert isinstance(response, FileResponse)
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="hello.txt"'
    assert body(response) == b"hello"


def test_send_file_with_a_path_and_options(root: Path) -> None:
    modified = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    response = send_file(
        str(root / "hello.txt"),
        mimetype="application/x-greeting",
        as_attachment=True,
        download_name="greeting.bin",
        etag="g1",
        last_modified=modified,
        max_age=30,
    )
    headers = response.headers
    assert headers["Content-Type"] == "application/x-greeting"
    assert headers["Content-Disposition"] == 'attachment; filename="greeting.bin"'
    assert headers["ETag"] == '"g1"'
    assert headers["Last-Modified"] == "Wed, 01 May 2024 12:00:00 GMT"
    assert headers["Cache-Control"] == "max-age=30"


def test_send_file_with_a_missing_path(root: Path) -> None:
    with pytest.raises(NotFound):
        send_file(root / "missing.txt")


def test_send_file_with_bytes_io() -> None:
    file = Tracked(b"0123456789")
    file.seek(3)
    response = send_file(file, download_name="digits.txt")
    headers = response.headers
    assert response.status == 200
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Length"] == "7"
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["Content-Disposition"] == 'inline; filename="digits.txt"'
    assert headers["Cache-Control"] == "no-cache"
    assert "ETag" not in headers
    assert "Last-Modified" not in headers
    assert body(response) == b"3456789"
    assert not file.closed
    response.close()
    assert file.closed


@pytest.mark.parametrize(
    ("options", "content_type", "disposition"),
    [
        ({}, "application/octet-stream", None),
        ({"as_attachment": True}, "application/octet-stream", "attachment"),
        ({"mimetype": "image/png"}, "image/png", None),
        (
            {"download_name": "résumé.pdf", "as_attachment": True},
            "application/pdf",
            "attachment; filename=\"resume.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
        ),
    ],
)
def test_send_file_object_headers(
    options: dict[str, Any], content_type: str, disposition: str | None
) -> None:
    response = send_file(io.BytesIO(b"x"), **options)
    assert response.headers["Content-Type"] == content_type
    assert response.headers.get("Content-Disposition") == disposition


def test_send_file_object_validators() -> None:
    response = send_file(io.BytesIO(b"x"), etag='W/"weak"', last_modified=0.0, max_age=5)
    assert response.headers["ETag"] == 'W/"weak"'
    assert response.headers["Last-Modified"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert response.headers["Cache-Control"] == "max-age=5"


def test_send_file_streams_in_chunks() -> None:
    data = os.urandom(200_000)
    chunks = list(send_file(io.BytesIO(data)).iter_chunks())
    assert len(chunks) == 4
    assert b"".join(chunks) == data


@pytest.mark.parametrize("claims_to_seek", [False, True])
def test_send_file_unseekable(claims_to_seek: bool) -> None:
    class Unseekable(Tracked):
        def tell(self) -> int:
            raise OSError("a wrapper that claims to seek but cannot")

    response = send_file(Unseekable(b"stream", seekable=claims_to_seek))
    assert "Content-Length" not in response.headers
    assert "Accept-Ranges" not in response.headers
    assert body(response) == b"stream"


def test_send_file_refuses_text_files(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("notes")
    with open(path) as file, pytest.raises(TypeError, match="'rb'"):
        send_file(file)  # type: ignore[arg-type]


def test_send_file_object_that_shrank() -> None:
    file = io.BytesIO(b"0123456789")
    response = send_file(file)
    file.truncate(4)
    with pytest.raises(OSError, match="6 bytes early"):
        body(response)


@pytest.fixture
def request_with(app: Cupola) -> Iterator[Any]:
    """Run ``send_file`` inside a request with the given method and headers."""
    contexts: list[Any] = []

    def enter(method: str = "GET", **headers: str) -> None:
        context = app.test_request_context(
            "/", method=method, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
        context.__enter__()
        contexts.append(context)

    yield enter
    for context in reversed(contexts):
        context.__exit__(None, None, None)


def test_send_file_object_not_modified(request_with: Any) -> None:
    request_with(If_None_Match='"r1"')
    file = Tracked(b"data")
    response = send_file(file, etag="r1", download_name="d.txt")
    assert response.status == 304
    assert body(response) == b""
    assert file.closed
    for name in ("Content-Type", "Content-Length", "Content-Disposition"):
        assert name not in response.headers
    assert response.headers["ETag"] == '"r1"'
    assert response.headers["Cache-Control"] == "no-cache"


def test_send_file_object_not_modified_since(request_with: Any) -> None:
    request_with(If_Modified_Since="Thu, 01 Jan 1970 00:01:00 GMT")
    assert send_file(io.BytesIO(b"data"), last_modified=60.0).status == 304


def test_send_file_object_precondition_failed(request_with: Any) -> None:
    request_with(If_Match='"other"')
    file = Tracked(b"data")
    with pytest.raises(PreconditionFailed):
        send_file(file, etag="r1")
    assert file.closed


def test_send_file_object_range(request_with: Any) -> None:
    request_with(Range="bytes=2-4")
    file = Tracked(b"xx0123456789")
    file.seek(2)
    response = send_file(file, etag="r1")
    assert response.status == 206
    assert response.headers["Content-Range"] == "bytes 2-4/10"
    assert response.headers["Content-Length"] == "3"
    assert body(response) == b"234"


def test_send_file_object_range_not_satisfiable(request_with: Any) -> None:
    request_with(Range="bytes=50-")
    file = Tracked(b"0123456789")
    with pytest.raises(RangeNotSatisfiable):
        send_file(file)
    assert file.closed


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", {"Range": "bytes=0-1", "If_Range": '"old"'}),
        ("POST", {"Range": "bytes=0-1"}),
        ("GET", {"Range": "lines=0-1"}),
    ],
)
def test_send_file_object_whole_file_instead_of_range(
    request_with: Any, method: str, headers: dict[str, str]
) -> None:
    request_with(method, **headers)
    response = send_file(io.BytesIO(b"0123456789"), etag="r1")
    assert response.status == 200
    assert body(response) == b"0123456789"


def test_send_file_object_not_conditional(request_with: Any) -> None:
    request_with(If_None_Match='"r1"', Range="bytes=0-1")
    response = send_file(io.BytesIO(b"0123456789"), etag="r1", conditional=False)
    assert response.status == 200
    assert body(response) == b"0123456789"


def test_send_file_object_unseekable_ignores_range(request_with: Any) -> None:
    request_with(Range="bytes=0-1")
    response = send_file(Tracked(b"0123456789", seekable=False))
    assert response.status == 200
    assert body(response) == b"0123456789"
