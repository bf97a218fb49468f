from __future__ import annotations

import os
from pathlib import Path

import pytest

from cupola.context import activate, deactivate
from cupola.exceptions import NotFound
from cupola.http.files import FileResponse
from cupola.http.headers import Headers
from cupola.static import safe_join, send_from_directory, static_view


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


# -- static_view ---------------------------------------------------------------------------


def test_static_view_serves_files_and_revalidates_by_default(root: Path) -> None:
    view = static_view(str(root))
    response = view("hello.txt")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]
    assert b"".join(response.iter_chunks()) == b"hello"


def test_static_view_max_age(root: Path) -> None:
    assert static_view(str(root), max_age=86400)("hello.txt").headers["Cache-Control"] == (
        "max-age=86400"
    )


def test_static_view_resolves_a_relative_folder_once(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root.parent)
    view = static_view("static")
    monkeypatch.chdir(root / "css")
    assert view("hello.txt").path == str(root / "hello.txt")


def test_static_view_refuses_escapes(root: Path) -> None:
    view = static_view(str(root))
    for attack in ("../secret.txt", "/etc/passwd", "css/../../secret.txt"):
        with pytest.raises(NotFound):
            view(attack)


def test_static_view_answers_conditional_requests(root: Path) -> None:
    view = static_view(str(root))
    etag = view("hello.txt").headers["ETag"]

    class Head:
        method = "GET"
        headers = Headers({"If-None-Match": etag})

    token = activate(Head())  # type: ignore[arg-type]
    try:
        assert view("hello.txt").status == 304
    finally:
        deactivate(token)
