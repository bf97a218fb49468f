"""Static files end to end, through the app on both protocols.

Hashed URLs and their caching, pre-compressed siblings, conditional and range requests on
them, ``send_file`` from a view, and the traversal attempts of DESIGN §7, sent as raw bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pytest

import cupola.static.versions
from cupola import Blueprint, Cupola, request, url_for
from cupola.http.response import StreamingResponse
from cupola.static import send_file
from cupola.testing import TestClient

CSS = b"body { color: #333; }\n" * 40
BROTLI = b"\x8b\x03\x80fake brotli stream"  # never decoded by the server
GZIP = gzip.compress(CSS, mtime=0)
SECRET = b"top secret"
IMMUTABLE = "public, max-age=31536000, immutable"


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def headers_of(response: Any) -> dict[str, str]:
    """The response's headers with lowercase names, whichever adapter produced them."""
    return {name.lower(): value for name, value in response.headers.items()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The app's static folder: files with and without siblings, and a secret beside it."""
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "site.css").write_bytes(CSS)
    (static / "site.css.br").write_bytes(BROTLI)
    (static / "site.css.gz").write_bytes(GZIP)
    (static / "plain.txt").write_text("plain")
    (static / "only-gzip.js").write_text("let x = 1;")
    (static / "only-gzip.js.gz").write_bytes(gzip.compress(b"let x = 1;", mtime=0))
    (static / "css" / "nested.css").write_text("nested")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "admin").mkdir()
    (tmp_path / "admin" / "admin.css").write_text("admin")
    return static


@pytest.fixture
def app(folder: Path) -> Cupola:
    """An app serving ``folder``, with a blueprint serving its own folder under /admin."""
    app = Cupola(__name__, static_folder=str(folder))
    admin = Blueprint(
        "admin",
        __name__,
        url_prefix="/admin",
        static_folder=str(folder.parent / "admin"),
        static_url_path="/assets",
    )
    app.register_blueprint(admin)

    @app.get("/url")
    def build() -> str:
        return url_for(request.args["endpoint"], filename=request.args["filename"])

    return app


def link(client: TestClient, endpoint: str, filename: str) -> str:
    return client.get("/url", query={"endpoint": endpoint, "filename": filename}).text


# -- caching and hashed URLs ---------------------------------------------------------------


def test_unhashed_urls_revalidate(client: TestClient) -> None:
    assert link(client, "static", "plain.txt") == "/static/plain.txt"
    response = client.get("/static/plain.txt")
    assert response.text == "plain"
    assert response.headers["cache-control"] == "no-cache"
    etag = response.headers["etag"]
    again = client.get("/static/plain.txt", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "no-cache"


def test_static_max_age_applies_to_unhashed_urls(app: Cupola, client: TestClient) -> None:
    app.config["STATIC_MAX_AGE"] = 600
    assert client.get("/static/plain.txt").headers["cache-control"] == "max-age=600"


def test_hashed_url_is_cached_for_good(app: Cupola, client: TestClient) -> None:
    app.config["STATIC_URL_HASH"] = True
    url = link(client, "static", "plain.txt")
    assert url == f"/static/plain.txt?v={version_of(b'plain')}"
    response = client.get(url)
    assert response.text == "plain"
    assert response.headers["cache-control"] == IMMUTABLE
    etag = response.headers["etag"]
    revalidated = client.get(url, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.headers["cache-control"] == IMMUTABLE


def test_hashed_max_age_is_configurable(app: Cupola, client: TestClient) -> None:
    app.config.update(STATIC_URL_HASH=True, STATIC_HASHED_MAX_AGE=86400)
    response = client.get(link(client, "static", "plain.txt"))
    assert response.headers["cache-control"] == "public, max-age=86400, immutable"


@pytest.mark.parametrize("version", ["0123456789ab", "", "x" * 200, version_of(b"plain")[:-1]])
def test_a_stale_or_unknown_hash_serves_the_file_uncached(
    app: Cupola, client: TestClient, version: str
) -> None:
    app.config.update(STATIC_URL_HASH=True, STATIC_MAX_AGE=60)
    response = client.get("/static/plain.txt", query={"v": version})
    assert response.text == "plain"
    assert response.headers["cache-control"] == "max-age=60"


def test_a_version_counts_only_when_hashing_is_on(client: TestClient) -> None:
    response = client.get("/static/plain.txt", query={"v": version_of(b"plain")})
    assert response.headers["cache-control"] == "no-cache"


def test_hash_follows_an_edit(app: Cupola, client: TestClient, folder: Path) -> None:
    app.config["STATIC_URL_HASH"] = True
    old = link(client, "static", "plain.txt")
    (folder / "plain.txt").write_text("edited")
    stat = (folder / "plain.txt").stat()
    os.utime(folder / "plain.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    new = link(client, "static", "plain.txt")
    assert new == f"/static/plain.txt?v={version_of(b'edited')}"
    assert client.get(new).headers["cache-control"] == IMMUTABLE
    stale = client.get(old)
    assert stale.text == "edited"
    assert stale.headers["cache-control"] == "no-cache"


def test_hashes_are_computed_once_per_file_state(
    app: Cupola, client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = cupola.static.versions.hash_file

    def counting(path: str) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(cupola.static.versions, "hash_file", counting)
    app.config["STATIC_URL_HASH"] = True
    url = link(client, "static", "css/nested.css")
    for _ in range(3):
        assert link(client, "static", "css/nested.css") == url
        assert client.get(url).headers["cache-control"] == IMMUTABLE
    assert calls == [str(folder / "css" / "nested.css")]


def test_url_for_hashes_outside_a_request(app: Cupola) -> None:
    app.config["STATIC_URL_HASH"] = True
    with app.app_context():
        assert url_for("build", filename="plain.txt") == "/url?filename=plain.txt"
        assert url_for("static", filename="plain.txt") == (
            f"/static/plain.txt?v={version_of(b'plain')}"
        )
        assert url_for("static", filename="plain.txt", v="pinned") == "/static/plain.txt?v=pinned"
        assert url_for("admin.static", filename="admin.css").endswith(f"?v={version_of(b'admin')}")


def test_templates_link_to_hashed_urls(app: Cupola, client: TestClient) -> None:
    app.config["STATIC_URL_HASH"] = True

    @app.get("/page")
    def page() -> str:
        template = app.jinja_env.from_string(
            "<link href=\"{{ url_for('static', filename='site.css') }}\">"
        )
        return template.render()

    assert client.get("/page").text == f'<link href="/static/site.css?v={version_of(CSS)}">'


@pytest.mark.parametrize("filename", ["missing.css", "css", "../secret.txt", "/etc/passwd"])
def test_url_for_leaves_out_the_hash_without_a_file(
    app: Cupola, client: TestClient, filename: str
) -> None:
    app.config["STATIC_URL_HASH"] = True
    assert "v=" not in link(client, "static", filename)


def test_blueprint_static_hashed(app: Cupola, client: TestClient) -> None:
    assert link(client, "admin.static", "admin.css") == "/admin/assets/admin.css"
    app.config["STATIC_URL_HASH"] = True
    url = link(client, "admin.static", "admin.css")
    assert url == f"/admin/assets/admin.css?v={version_of(b'admin')}"
    response = client.get(url)
    assert response.text == "admin"
    assert response.headers["cache-control"] == IMMUTABLE
    assert client.get("/admin/assets/admin.css?v=stale").headers["cache-control"] == "no-cache"


def test_a_blueprint_view_named_static_gets_no_hash(app: Cupola, client: TestClient) -> None:
    plain = Blueprint("plain", __name__, url_prefix="/p")

    @plain.get("/<path:filename>", endpoint="static")
    def files(filename: str) -> str:
        return filename

    app.register_blueprint(plain)
    app.config["STATIC_URL_HASH"] = True
    assert link(client, "plain.static", "plain.txt") == "/p/plain.txt"


# -- pre-compressed siblings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),  # what browsers send: Brotli wins the tie
        ("br", "br"),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("GZIP;Q=0.5", "gzip"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),  # the client's quality comes first
        ("br;q=0, gzip", "gzip"),
        ("*", "br"),
        ("*;q=0.1, br;q=0", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("*;q=0", None),
        ("identity", None),
        ("deflate", None),
        ("", None),
        ("br;q=2, gzip;q=x", None),  # invalid qualities are ignored
    ],
)
def test_precompressed_sibling_choice(raw: Any, accept_encoding: str, coding: str | None) -> None:
    response = raw("GET", b"/static/site.css", headers=[("Accept-Encoding", accept_encoding)])
    headers = headers_of(response)
    assert response.status == 200
    assert headers["content-type"] == "text/css; charset=utf-8"
    assert headers["vary"] == "Accept-Encoding"
    assert headers.get("content-encoding") == coding
    expected = {"br": BROTLI, "gzip": GZIP, None: CSS}[coding]
    assert response.body == expected
    assert headers["content-length"] == str(len(expected))
    assert headers["content-disposition"] == 'inline; filename="site.css"'


def test_no_accept_encoding_gets_the_original_with_vary(raw: Any) -> None:
    response = raw("GET", b"/static/site.css")
    assert response.body == CSS
    assert "content-encoding" not in headers_of(response)
    assert headers_of(response)["vary"] == "Accept-Encoding"


def test_only_existing_siblings_are_offered(raw: Any) -> None:
    response = raw("GET", b"/static/only-gzip.js", headers=[("Accept-Encoding", "br, gzip")])
    assert headers_of(response)["content-encoding"] == "gzip"
    assert gzip.decompress(response.body) == b"let x = 1;"
    assert headers_of(response)["content-type"] == "text/javascript; charset=utf-8"


def test_a_file_without_siblings_does_not_vary(raw: Any) -> None:
    headers = headers_of(raw("GET", b"/static/plain.txt", headers=[("Accept-Encoding", "br")]))
    assert "vary" not in headers
    assert "content-encoding" not in headers


def test_each_representation_has_its_own_etag(raw: Any) -> None:
    tags = {
        coding: headers_of(raw("GET", b"/static/site.css", headers=[("Accept-Encoding", coding)]))[
            "etag"
        ]
        for coding in ("br", "gzip", "identity")
    }
    assert len(set(tags.values())) == 3
    assert tags["br"].endswith('-br"')
    assert tags["gzip"].endswith('-gzip"')


def test_a_stale_sibling_is_never_served(raw: Any, folder: Path) -> None:
    original = (folder / "site.css").stat()
    for name in ("site.css.br", "site.css.gz"):
        os.utime(folder / name, ns=(original.st_atime_ns, original.st_mtime_ns - 10**9))
    response = raw("GET", b"/static/site.css", headers=[("Accept-Encoding", "br, gzip")])
    assert response.body == CSS
    assert "vary" not in headers_of(response)


def test_a_sibling_symlink_leading_out_is_ignored(raw: Any, folder: Path, tmp_path: Path) -> None:
    (folder / "site.css.br").unlink()
    (folder / "site.css.br").symlink_to(tmp_path / "secret.txt")
    response = raw("GET", b"/static/site.css", headers=[("Accept-Encoding", "br")])
    assert response.body == CSS
    assert SECRET not in response.body


def test_compressed_304(raw: Any) -> None:
    accept = ("Accept-Encoding", "br, gzip")
    first = headers_of(raw("GET", b"/static/site.css", headers=[accept]))
    response = raw("GET", b"/static/site.css", headers=[accept, ("If-None-Match", first["etag"])])
    headers = headers_of(response)
    assert response.status == 304
    assert response.body == b""
    assert headers["etag"] == first["etag"]
    assert headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in headers
    # The same tag does not validate another representation.
    other = raw(
        "GET",
        b"/static/site.css",
        headers=[("Accept-Encoding", "gzip"), ("If-None-Match", first["etag"])],
    )
    assert other.status == 200
    assert other.body == GZIP


def test_compressed_range(raw: Any) -> None:
    response = raw(
        "GET",
        b"/static/site.css",
        headers=[("Accept-Encoding", "gzip"), ("Range", "bytes=0-9")],
    )
    headers = headers_of(response)
    assert response.status == 206
    assert response.body == GZIP[:10]
    assert headers["content-range"] == f"bytes 0-9/{len(GZIP)}"
    assert headers["content-encoding"] == "gzip"
    etag = headers["etag"]
    suffix = raw(
        "GET",
        b"/static/site.css",
        headers=[("Accept-Encoding", "gzip"), ("Range", "bytes=-5"), ("If-Range", etag)],
    )
    assert suffix.status == 206
    assert suffix.body == GZIP[-5:]
    beyond = raw(
        "GET",
        b"/static/site.css",
        headers=[("Accept-Encoding", "gzip"), ("Range", f"bytes={len(GZIP)}-")],
    )
    assert beyond.status == 416
    assert headers_of(beyond)["content-range"] == f"bytes */{len(GZIP)}"


@pytest.mark.parametrize("accept_encoding", ["br", "gzip", "identity"])
def test_head_matches_get(raw: Any, accept_encoding: str) -> None:
    request_headers = [("Accept-Encoding", accept_encoding)]
    get = raw("GET", b"/static/site.css", headers=request_headers)
    head = raw("HEAD", b"/static/site.css", headers=request_headers)
    assert head.status == get.status == 200
    assert head.body == b""
    assert headers_of(head) == headers_of(get)


def test_a_sibling_requested_directly_is_a_plain_file(raw: Any) -> None:
    response = raw("GET", b"/static/site.css.gz", headers=[("Accept-Encoding", "gzip")])
    headers = headers_of(response)
    assert response.body == GZIP
    assert headers["content-type"] == "application/gzip"
    assert "content-encoding" not in headers


def test_hashed_and_compressed(app: Cupola, raw: Any) -> None:
    app.config["STATIC_URL_HASH"] = True
    response = raw(
        "GET",
        b"/static/site.css",
        query=f"v={version_of(CSS)}".encode(),
        headers=[("Accept-Encoding", "br")],
    )
    headers = headers_of(response)
    assert response.body == BROTLI
    assert headers["cache-control"] == IMMUTABLE
    assert headers["vary"] == "Accept-Encoding"


# -- path traversal ------------------------------------------------------------------------


TRAVERSALS = [
    b"/static/../secret.txt",
    b"/static/%2e%2e/secret.txt",
    b"/static/%2E%2E/secret.txt",
    b"/static/.%2e/secret.txt",
    b"/static/..%2fsecret.txt",
    b"/static/..%2Fsecret.txt",
    b"/static/css/..%2f..%2fsecret.txt",
    b"/static/%252e%252e/secret.txt",
    b"/static/%252e%252e%252fsecret.txt",
    b"/static/..\\secret.txt",
    b"/static/..%5csecret.txt",
    b"/static/css%5c..%5c..%5csecret.txt",
    b"/static/%00x",
    b"/static/plain.txt%00.png",
    b"/static/plain.txt%0a",
    b"/static//etc/passwd",
    b"/static/%2fetc/passwd",
    b"/static/C:/secret.txt",
    b"/static/C:%5csecret.txt",
    b"/static/%5c%5cserver%5cshare%5cx",
    b"/static/",
    b"/static/css",
    b"/static/css/",
    b"/static/missing.css",
    b"/admin/assets/..%2f..%2fsecret.txt",
    b"/admin/assets/%2e%2e/static/plain.txt",
]


@pytest.mark.parametrize("raw_path", TRAVERSALS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_traversal_is_not_found(raw: Any, raw_path: bytes, method: str) -> None:
    response = raw(method, raw_path, headers=[("Accept-Encoding", "br, gzip")])
    assert response.status == 404
    assert SECRET not in response.body


@pytest.mark.parametrize("target", ["secret.txt", "."])
def test_symlinks_leading_out_are_not_found(
    raw: Any, folder: Path, tmp_path: Path, target: str
) -> None:
    (folder / "leak").symlink_to(tmp_path / target)
    for path in (b"/static/leak", b"/static/leak/secret.txt"):
        response = raw("GET", path)
        assert response.status == 404
        assert SECRET not in response.body


def test_an_overlong_utf8_dot_is_refused(raw: Any) -> None:
    response = raw("GET", b"/static/%c0%ae%c0%ae/secret.txt")
    # WSGI refuses the undecodable path (400); ASGI servers decode it with replacement
    # characters, which name no file (404).
    assert response.status in (400, 404)
    assert SECRET not in response.body


# -- send_file from views ------------------------------------------------------------------


def test_send_file_from_a_view(app: Cupola, client: TestClient, folder: Path) -> None:
    @app.get("/download")
    def download() -> StreamingResponse:
        return send_file(folder / "plain.txt", as_attachment=True, download_name="notes.txt")

    @app.get("/report")
    def report() -> StreamingResponse:
        return send_file(io.BytesIO(b"a,b\n1,2\n"), download_name="report.csv", etag="r1")

    response = client.get("/download")
    assert response.text == "plain"
    assert response.headers["content-disposition"] == 'attachment; filename="notes.txt"'
    response = client.get("/report")
    assert response.content == b"a,b\n1,2\n"
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-length"] == "8"
    assert response.headers["etag"] == '"r1"'
    assert client.get("/report", headers={"If-None-Match": '"r1"'}).status_code == 304
    partial = client.get("/report", headers={"Range": "bytes=4-"})
    assert partial.status_code == 206
    assert partial.content == b"1,2\n"
    assert partial.headers["content-range"] == "bytes 4-7/8"


def test_send_file_streams_an_unseekable_file(app: Cupola, raw: Any) -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, chunks: list[bytes]) -> None:
            self.chunks = chunks

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            return self.chunks.pop(0) if self.chunks else b""

    @app.get("/pipe")
    def pipe() -> StreamingResponse:
        return send_file(Pipe([b"one ", b"two"]), mimetype="text/plain")  # type: ignore[arg-type]

    response = raw("GET", b"/pipe")
    assert response.status == 200
    assert response.body == b"one two"
    assert "content-length" not in headers_of(response)


def test_send_file_bad_path_is_not_found(app: Cupola, client: TestClient, folder: Path) -> None:
    @app.get("/missing")
    def missing() -> StreamingResponse:
        return send_file(folder / "missing.txt")

    assert client.get("/missing").status_code == 404
