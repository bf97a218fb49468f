from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupola.context import activate, deactivate
from cupola.exceptions import NotFound, PreconditionFailed, RangeNotSatisfiable
from cupola.http import files
from cupola.http.files import FileResponse, content_disposition, guess_content_type
from cupola.http.headers import Headers
from cupola.http.ranges import http_date
from cupola.http.response import StreamingResponse

CONTENT = bytes(range(256)) * 40  # 10,240 bytes, every position distinguishable


@dataclass
class Head:
    """The method and headers of a request: all a file response reads from one."""

    method: str = "GET"
    headers: Headers = field(default_factory=Headers)


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(CONTENT)
    return path


def respond(
    path: Path, method: str = "GET", headers: dict[str, str] | None = None, **options: Any
) -> FileResponse:
    return FileResponse(path, request=Head(method, Headers(headers or {})), **options)


def body(response: FileResponse) -> bytes:
    return b"".join(response.iter_chunks())


# -- the whole file ------------------------------------------------------------------------


def test_sends_the_whole_file_with_validators(data_file: Path) -> None:
    response = FileResponse(data_file)
    stat = data_file.stat()
    assert response.status == 200
    assert response.is_streaming
    assert isinstance(response, StreamingResponse)
    assert not response.is_async
    assert response.path == str(data_file)
    assert response.length == len(CONTENT)
    assert response.range is None
    assert response.headers["Content-Length"] == str(len(CONTENT))
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Last-Modified"] == http_date(stat.st_mtime)
    assert response.headers["ETag"].startswith(f'"{len(CONTENT):x}-')
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"] == 'inline; filename="data.bin"'
    assert body(response) == CONTENT


def test_accepts_str_paths_and_keeps_extra_headers(data_file: Path) -> None:
    response = FileResponse(str(data_file), 200, {"X-Extra": "1"})
    assert response.path == str(data_file)
    assert response.headers["X-Extra"] == "1"


def test_reads_in_chunks_of_chunk_size(data_file: Path) -> None:
    chunks = list(FileResponse(data_file, chunk_size=4096).iter_chunks())
    assert [len(chunk) for chunk in chunks] == [4096, 4096, 2048]
    assert b"".join(chunks) == CONTENT


def test_aiter_chunks_yields_the_same_bytes(data_file: Path) -> None:
    async def collect(response: FileResponse) -> bytes:
        return b"".join([chunk async for chunk in response.aiter_chunks()])

    assert asyncio.run(collect(FileResponse(data_file, chunk_size=1000))) == CONTENT


@pytest.mark.parametrize("name", ["missing.txt", "", "dir", "nul\x00.txt"])
def test_missing_directories_and_bad_paths_are_not_found(tmp_path: Path, name: str) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(NotFound):
        FileResponse(os.path.join(tmp_path, name))


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    response = FileResponse(path)
    assert response.headers["Content-Length"] == "0"
    assert body(response) == b""


# -- validators and caching ----------------------------------------------------------------


def test_etag_is_stable_and_changes_with_the_file(data_file: Path) -> None:
    first = FileResponse(data_file).headers["ETag"]
    assert FileResponse(data_file).headers["ETag"] == first
    stat = data_file.stat()
    os.utime(data_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert FileResponse(data_file).headers["ETag"] != first


def test_etag_changes_with_the_size(data_file: Path) -> None:
    first = FileResponse(data_file).headers["ETag"]
    stat = data_file.stat()
    data_file.write_bytes(CONTENT + b"!")
    os.utime(data_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert FileResponse(data_file).headers["ETag"] != first


def test_etag_does_not_disclose_the_inode(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    assert f"{data_file.stat().st_ino:x}" not in etag.split("-", 1)[1]


@pytest.mark.parametrize(
    ("etag", "expected"),
    [("v1", '"v1"'), ('"v1"', '"v1"'), ('W/"v1"', 'W/"v1"')],
)
def test_custom_etag(data_file: Path, etag: str, expected: str) -> None:
    assert FileResponse(data_file, etag=etag).headers["ETag"] == expected


def test_etag_can_be_turned_off(data_file: Path) -> None:
    assert "ETag" not in FileResponse(data_file, etag=False).headers


@pytest.mark.parametrize(
    "last_modified",
    [
        datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2020, 1, 2, 3, 4, 5),  # naive is UTC
        datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp(),
    ],
)
def test_custom_last_modified(data_file: Path, last_modified: datetime | float) -> None:
    response = FileResponse(data_file, last_modified=last_modified)
    assert response.headers["Last-Modified"] == "Thu, 02 Jan 2020 03:04:05 GMT"


def test_max_age_sets_cache_control(data_file: Path) -> None:
    assert FileResponse(data_file, max_age=3600).headers["Cache-Control"] == "max-age=3600"
    assert FileResponse(data_file, max_age=0).headers["Cache-Control"] == "max-age=0"


# -- content type and disposition ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("notes.txt", "text/plain; charset=utf-8"),
        ("page.html", "text/html; charset=utf-8"),
        ("site.css", "text/css; charset=utf-8"),
        ("logo.png", "image/png"),
        ("data.json", "application/json"),
        ("logo.svg", "image/svg+xml; charset=utf-8"),
        ("feed.xml", guess_content_type("feed.xml")),
        ("archive.tar.gz", "application/gzip"),
        ("archive.tar.bz2", "application/x-bzip2"),
        ("archive.Z", "application/octet-stream"),
        ("noextension", "application/octet-stream"),
        ("weird.zzzunknown", "application/octet-stream"),
    ],
)
def test_guess_content_type(name: str, expected: str) -> None:
    assert guess_content_type(name) == expected


def test_javascript_and_xml_get_a_charset() -> None:
    assert guess_content_type("app.js").endswith("; charset=utf-8")
    assert guess_content_type("feed.xml").endswith("; charset=utf-8")


def test_content_type_is_guessed_from_the_download_name(data_file: Path) -> None:
    response = FileResponse(data_file, filename="report.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="report.pdf"'


def test_explicit_content_type_wins(data_file: Path) -> None:
    response = FileResponse(data_file, content_type="text/csv")
    assert response.headers["Content-Type"] == "text/csv"


@pytest.mark.parametrize(
    ("filename", "as_attachment", "expected"),
    [
        ("a.txt", False, 'inline; filename="a.txt"'),
        ("a.txt", True, 'attachment; filename="a.txt"'),
        ("my file.txt", True, 'attachment; filename="my file.txt"'),
        (
            "résumé.pdf",
            True,
            "attachment; filename=\"resume.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
        ),
        (
            "报告.pdf",
            True,
            "attachment; filename=\".pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf",
        ),
        ("报告", False, "inline; filename*=UTF-8''%E6%8A%A5%E5%91%8A"),
        ('evil"\r\nSet-Cookie: x=1.txt', True, 'attachment; filename="evilSet-Cookie: x=1.txt"'),
        ('a\\"b.txt', False, 'inline; filename="ab.txt"'),
        ("tab\tand\x7fdel.txt", False, 'inline; filename="tabanddel.txt"'),
        (
            'naïve "quote".txt',
            True,
            "attachment; filename=\"naive quote.txt\"; filename*=UTF-8''na%C3%AFve%20quote.txt",
        ),
    ],
)
def test_content_disposition(filename: str, as_attachment: bool, expected: str) -> None:
    assert content_disposition(filename, as_attachment=as_attachment) == expected


def test_attachment_with_a_non_ascii_name(data_file: Path) -> None:
    response = FileResponse(data_file, filename="Ärger €.txt", as_attachment=True)
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Arger .txt\"; filename*=UTF-8''%C3%84rger%20%E2%82%AC.txt"
    )
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


# -- conditional requests ------------------------------------------------------------------


def test_if_none_match_gives_304_without_body(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    response = respond(data_file, headers={"If-None-Match": etag})
    assert response.status == 304
    assert response.length == 0
    assert "Content-Length" not in response.headers
    assert "Content-Type" not in response.headers
    assert "Content-Disposition" not in response.headers
    assert response.headers["ETag"] == etag
    assert response.headers["Last-Modified"]
    assert response.headers["Cache-Control"] == "no-cache"
    assert body(response) == b""


def test_if_modified_since_not_modified_gives_304(data_file: Path) -> None:
    last_modified = FileResponse(data_file).headers["Last-Modified"]
    response = respond(data_file, headers={"If-Modified-Since": last_modified})
    assert response.status == 304


def test_if_modified_since_in_the_past_gives_200(data_file: Path) -> None:
    headers = {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    response = respond(data_file, headers=headers)
    assert response.status == 200
    assert body(response) == CONTENT


def test_if_none_match_other_etag_gives_200(data_file: Path) -> None:
    response = respond(data_file, headers={"If-None-Match": '"other"'})
    assert response.status == 200


def test_if_match_mismatch_raises_412(data_file: Path) -> None:
    with pytest.raises(PreconditionFailed) as excinfo:
        respond(data_file, headers={"If-Match": '"other"'})
    assert excinfo.value.code == 412


def test_if_match_current_etag_gives_200(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    assert respond(data_file, headers={"If-Match": etag}).status == 200


def test_if_unmodified_since_in_the_past_raises_412(data_file: Path) -> None:
    with pytest.raises(PreconditionFailed):
        respond(data_file, headers={"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})


def test_if_none_match_on_post_raises_412(data_file: Path) -> None:
    with pytest.raises(PreconditionFailed):
        respond(data_file, "POST", {"If-None-Match": "*"})


def test_custom_etag_is_used_for_conditionals(data_file: Path) -> None:
    assert respond(data_file, headers={"If-None-Match": '"v7"'}, etag="v7").status == 304


def test_without_etag_only_dates_validate(data_file: Path) -> None:
    response = respond(data_file, headers={"If-None-Match": '"anything"'}, etag=False)
    assert response.status == 200


def test_conditional_false_ignores_request_headers(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    headers = {"If-None-Match": etag, "Range": "bytes=0-1"}
    response = respond(data_file, headers=headers, conditional=False)
    assert response.status == 200
    assert body(response) == CONTENT


def test_only_200_responses_are_made_conditional(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    headers = {"If-None-Match": etag, "Range": "bytes=0-1"}
    response = FileResponse(data_file, 404, request=Head("GET", Headers(headers)))
    assert response.status == 404
    assert body(response) == CONTENT


def test_uses_the_current_request_when_none_is_given(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    token = activate(Head("GET", Headers({"If-None-Match": etag})))  # type: ignore[arg-type]
    try:
        assert FileResponse(data_file).status == 304
    finally:
        deactivate(token)


def test_without_any_request_the_file_is_sent_whole(data_file: Path) -> None:
    assert FileResponse(data_file).status == 200


# -- ranges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("range_header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),  # first bytes
        ("bytes=-500", 9740, 10239),  # suffix
        ("bytes=10000-", 10000, 10239),  # open-ended
        ("bytes=10000-99999", 10000, 10239),  # end clamped
        ("bytes=5-5", 5, 5),
    ],
)
def test_range_gives_206_with_the_slice(
    data_file: Path, range_header: str, start: int, end: int
) -> None:
    response = respond(data_file, headers={"Range": range_header})
    assert response.status == 206
    assert response.range == (start, end)
    assert response.length == end - start + 1
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{len(CONTENT)}"
    assert response.headers["Content-Length"] == str(end - start + 1)
    assert body(response) == CONTENT[start : end + 1]


@pytest.mark.parametrize("range_header", ["bytes=10240-", "bytes=20000-30000", "bytes=-0"])
def test_unsatisfiable_range_raises_416(data_file: Path, range_header: str) -> None:
    with pytest.raises(RangeNotSatisfiable) as excinfo:
        respond(data_file, headers={"Range": range_header})
    assert excinfo.value.code == 416
    assert excinfo.value.headers == [("Content-Range", f"bytes */{len(CONTENT)}")]


def test_range_on_an_empty_file_raises_416(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(RangeNotSatisfiable) as excinfo:
        respond(path, headers={"Range": "bytes=0-"})
    assert excinfo.value.headers == [("Content-Range", "bytes */0")]


@pytest.mark.parametrize("range_header", ["bytes=0-1,5-6", "bytes=0-1, 100-", "lines=1-2", "junk"])
def test_multiple_or_unknown_ranges_send_the_whole_file(data_file: Path, range_header: str) -> None:
    response = respond(data_file, headers={"Range": range_header})
    assert response.status == 200
    assert "Content-Range" not in response.headers
    assert body(response) == CONTENT


def test_if_range_with_a_stale_etag_sends_the_whole_file(data_file: Path) -> None:
    response = respond(data_file, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert response.status == 200
    assert body(response) == CONTENT


def test_if_range_with_the_current_etag_sends_the_range(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    response = respond(data_file, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert response.status == 206
    assert body(response) == CONTENT[:10]


def test_if_range_with_the_current_date_sends_the_range(data_file: Path) -> None:
    last_modified = FileResponse(data_file).headers["Last-Modified"]
    response = respond(data_file, headers={"Range": "bytes=-3", "If-Range": last_modified})
    assert response.status == 206
    assert body(response) == CONTENT[-3:]


def test_preconditions_are_evaluated_before_the_range(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    response = respond(data_file, headers={"Range": "bytes=0-9", "If-None-Match": etag})
    assert response.status == 304


def test_range_is_ignored_for_other_methods(data_file: Path) -> None:
    response = respond(data_file, "POST", {"Range": "bytes=0-9"})
    assert response.status == 200
    assert response.range is None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Range": "bytes=0-99"},
        {"Range": "bytes=-5"},
        {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
        {"Range": "bytes=0-1,3-4"},
    ],
)
def test_head_gets_the_status_and_headers_of_get(data_file: Path, headers: dict[str, str]) -> None:
    get = respond(data_file, "GET", headers)
    head = respond(data_file, "HEAD", headers)
    assert head.status == get.status
    assert head.headers == get.headers
    assert head.length == get.length


def test_head_not_modified_like_get(data_file: Path) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    assert respond(data_file, "HEAD", {"If-None-Match": etag}).status == 304


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    start=st.integers(min_value=0, max_value=len(CONTENT) - 1),
    size=st.integers(min_value=1, max_value=len(CONTENT) + 10),
    chunk_size=st.integers(min_value=1, max_value=5000),
)
def test_streamed_bytes_equal_the_file_slice(
    data_file: Path, start: int, size: int, chunk_size: int
) -> None:
    end = start + size - 1
    response = respond(data_file, headers={"Range": f"bytes={start}-{end}"}, chunk_size=chunk_size)
    sent = body(response)
    assert sent == CONTENT[start : end + 1]
    assert len(sent) == response.length == int(response.headers["Content-Length"])


# -- the file changing and closing ---------------------------------------------------------


def test_a_file_that_grew_is_cut_at_the_declared_length(data_file: Path) -> None:
    response = FileResponse(data_file, chunk_size=3000)
    with data_file.open("ab") as file:
        file.write(b"extra bytes")
    sent = body(response)
    assert sent == CONTENT
    assert len(sent) == int(response.headers["Content-Length"])


def test_a_range_of_a_file_that_grew_keeps_its_length(data_file: Path) -> None:
    response = respond(data_file, headers={"Range": "bytes=10230-"})
    with data_file.open("ab") as file:
        file.write(b"extra bytes")
    assert body(response) == CONTENT[10230:]


def test_a_file_that_shrank_fails_instead_of_sending_short(data_file: Path) -> None:
    response = FileResponse(data_file, chunk_size=4096)
    data_file.write_bytes(CONTENT[:5000])
    chunks = response.iter_chunks()
    assert next(chunks) + next(chunks) == CONTENT[:5000]
    with pytest.raises(OSError, match="ended 5240 bytes early"):
        next(chunks)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[IO[bytes]]:
    """Record every file the module opens."""
    handles: list[IO[bytes]] = []

    def recording_open(path: str, mode: str) -> IO[bytes]:
        handle: IO[bytes] = open(path, mode)  # noqa: SIM115  # the test closes it
        handles.append(handle)
        return handle

    monkeypatch.setattr(files, "open", recording_open, raising=False)
    return handles


def test_file_is_opened_lazily_and_closed_at_the_end(
    data_file: Path, opened: list[IO[bytes]]
) -> None:
    response = FileResponse(data_file)
    assert opened == []
    assert body(response) == CONTENT
    assert len(opened) == 1
    assert opened[0].closed


def test_close_closes_a_file_being_read(data_file: Path, opened: list[IO[bytes]]) -> None:
    response = FileResponse(data_file, chunk_size=100)
    chunks: Iterator[bytes] = response.iter_chunks()
    next(chunks)
    assert not opened[0].closed
    response.close()
    assert opened[0].closed
    response.close()  # closing twice is harmless


def test_close_before_sending_opens_nothing(data_file: Path, opened: list[IO[bytes]]) -> None:
    response = FileResponse(data_file)
    response.close()
    assert opened == []


def test_not_modified_and_empty_responses_never_open_the_file(
    tmp_path: Path, data_file: Path, opened: list[IO[bytes]]
) -> None:
    etag = FileResponse(data_file).headers["ETag"]
    body(respond(data_file, headers={"If-None-Match": etag}))
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    body(FileResponse(empty))
    assert opened == []
