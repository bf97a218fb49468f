from __future__ import annotations

import dataclasses
import io
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cupola import Cupola
from cupola.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from cupola.http import forms
from cupola.http.body import RequestBody
from cupola.http.forms import (
    FormLimits,
    UploadFile,
    parse_form,
    parse_multipart,
    parse_urlencoded,
    secure_filename,
)
from cupola.http.headers import Headers
from cupola.http.request import Request
from cupola.testing import TestClient

BOUNDARY = "----formboundary7MA4YWxk"
LIMITS = FormLimits()


def part(
    name: str | None = "field",
    content: bytes = b"",
    *,
    filename: str | None = None,
    headers: tuple[str, ...] = (),
) -> bytes:
    disposition = "Content-Disposition: form-data"
    if name is not None:
        disposition += f'; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    lines = [f"--{BOUNDARY}", disposition, *headers, "", ""]
    return "\r\n".join(lines).encode() + content + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def parse(data: bytes, limits: FormLimits = LIMITS) -> tuple[Any, Any]:
    return parse_multipart(io.BytesIO(data), BOUNDARY, limits)


@pytest.fixture(autouse=True)
def spools(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Record every spool the parser creates; close the ones a test left open."""
    created: list[Any] = []

    class Recording(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            created.append(self)

    monkeypatch.setattr(forms, "SpooledTemporaryFile", Recording)
    yield created
    for spool in created:
        spool.close()


def error(exc_type: type[HTTPException], data: bytes, limits: FormLimits = LIMITS) -> str:
    with pytest.raises(exc_type) as info:
        parse(data, limits)
    assert info.value.code == (413 if exc_type is RequestEntityTooLarge else 400)
    return info.value.description


# secure_filename -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("My Report (final).pdf", "My Report (final).pdf"),
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\me\\Desktop\\photo.jpg", "photo.jpg"),
        ("\\\\server\\share\\doc.txt", "doc.txt"),
        ("dir/", ""),
        ("..", ""),
        ("...", ""),
        ("", ""),
        ("   ", ""),
        (".bashrc", "bashrc"),
        (" . .hidden. . ", "hidden"),
        ("evil.php\x00.jpg", "evil.php.jpg"),
        ("tab\there\nnew\rline.txt", "tabherenewline.txt"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("line\u2028break", "linebreak"),
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("file.txt:stream", "file.txt_stream"),
        ("Zoë Ångström 日本語.txt", "Zoë Ångström 日本語.txt"),
        ("Zoe\u0308.txt", "Zoë.txt"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("Nul.tar.gz", "_Nul.tar.gz"),
        ("nul .txt", "_nul .txt"),
        ("prn", "_prn"),
        ("aux.c", "_aux.c"),
        ("COM1", "_COM1"),
        ("com9.log", "_com9.log"),
        ("LPT3.txt", "_LPT3.txt"),
        ("COM¹", "_COM¹"),
        ("conin$", "_conin$"),
        ("../CON", "_CON"),
        ("COM0", "COM0"),
        ("COM10", "COM10"),
        ("console.txt", "console.txt"),
        ("icon.png", "icon.png"),
    ],
)
def test_secure_filename(name: str, expected: str) -> None:
    assert secure_filename(name) == expected


@given(st.text())
def test_secure_filename_is_a_safe_base_name(name: str) -> None:
    safe = secure_filename(name)
    assert "/" not in safe
    assert "\\" not in safe
    assert not set(safe) & {"\0", "\r", "\n", ":"}
    assert not safe.startswith((".", " "))
    assert safe not in {".", ".."}


# UploadFile ---------------------------------------------------------------------------


def test_upload_file_defaults() -> None:
    upload = UploadFile("doc", io.BytesIO(b"hello"))
    assert upload.name == "doc"
    assert upload.filename == ""
    assert upload.raw_filename is None
    assert upload.content_type == "application/octet-stream"
    assert upload.headers == Headers()
    assert upload.size == 5
    assert repr(upload) == "<UploadFile 'doc': '' (application/octet-stream, 5 bytes)>"


def test_upload_file_reading() -> None:
    stream = io.BytesIO(b"0123456789")
    stream.seek(4)
    upload = UploadFile("f", stream, raw_filename="../a.txt", content_type="text/plain")
    assert upload.filename == "a.txt"
    assert upload.raw_filename == "../a.txt"
    assert upload.read(3) == b"012"
    assert upload.seek(-2, io.SEEK_END) == 8
    assert upload.read() == b"89"


def test_upload_file_save_to_path_and_file(tmp_path: Path) -> None:
    upload = UploadFile("f", io.BytesIO(b"x" * 100_000))
    upload.read(10)
    upload.save(tmp_path / "out.bin", buffer_size=4096)
    assert (tmp_path / "out.bin").read_bytes() == b"x" * 100_000
    upload.save(str(tmp_path / "again.bin"))
    assert (tmp_path / "again.bin").stat().st_size == 100_000
    target = io.BytesIO()
    upload.save(target)
    assert target.getvalue() == b"x" * 100_000


def test_upload_file_context_manager_closes() -> None:
    with UploadFile("f", io.BytesIO(b"x")) as upload:
        assert not upload.stream.closed
    assert upload.stream.closed


# parse_urlencoded ---------------------------------------------------------------------


def test_parse_urlencoded() -> None:
    form = parse_urlencoded(b"name=Zo%C3%AB&tags=a&tags=b&empty=", LIMITS)
    assert form["name"] == "Zoë"
    assert form.getlist("tags") == ["a", "b"]
    assert form["empty"] == ""


def test_parse_urlencoded_memory_limit() -> None:
    limits = FormLimits(max_form_memory_size=10)
    assert parse_urlencoded(b"a=12345678", limits)["a"] == "12345678"
    with pytest.raises(RequestEntityTooLarge) as info:
        parse_urlencoded(b"a=123456789", limits)
    assert info.value.code == 413
    assert "MAX_FORM_MEMORY_SIZE" in info.value.description


def test_parse_urlencoded_parts_limit() -> None:
    limits = FormLimits(max_form_parts=2)
    assert len(parse_urlencoded(b"a=1&b=2", limits)) == 2
    with pytest.raises(RequestEntityTooLarge) as info:
        parse_urlencoded(b"a=1&b=2&c=3", limits)
    assert info.value.code == 413
    assert "MAX_FORM_PARTS" in info.value.description


def test_parse_urlencoded_without_limits() -> None:
    limits = FormLimits(max_form_memory_size=None, max_form_parts=None)
    assert len(parse_urlencoded(b"&".join(b"k%d=v" % i for i in range(5000)), limits)) == 5000


@pytest.mark.parametrize("data", [b"a=%ff", b"a=\xff", b"%C3=1"])
def test_parse_urlencoded_rejects_invalid_utf8(data: bytes) -> None:
    with pytest.raises(BadRequest) as info:
        parse_urlencoded(data, LIMITS)
    assert info.value.code == 400
    assert info.value.description == "The form data is not valid UTF-8."


@given(st.binary(max_size=500))
def test_parse_urlencoded_raises_only_http_errors(data: bytes) -> None:
    try:
        parse_urlencoded(data, FormLimits(max_form_memory_size=400, max_form_parts=20))
    except HTTPException as exc:
        assert exc.code in (400, 413)


# parse_multipart: success -------------------------------------------------------------


def test_parse_multipart_fields_and_files() -> None:
    data = body(
        part("title", "Zoë's notes".encode()),
        part("tags", b"a"),
        part("tags", b"b"),
        part("empty", b""),
        part(
            "doc",
            b"line one\r\nline two\r\n--not-a-boundary",
            filename="notes.txt",
            headers=("Content-Type: text/plain; charset=utf-8", "X-Custom: yes"),
        ),
        part("doc", b"\x00\xff binary", filename="C:\\tmp\\blob.bin"),
    )
    fields, files = parse(data)
    assert fields.to_dict(flat=False) == {
        "title": ["Zoë's notes"],
        "tags": ["a", "b"],
        "empty": [""],
    }
    notes, blob = files.getlist("doc")
    assert notes.name == "doc"
    assert notes.filename == notes.raw_filename == "notes.txt"
    assert notes.content_type == "text/plain; charset=utf-8"
    assert notes.headers["x-custom"] == "yes"
    assert notes.read() == b"line one\r\nline two\r\n--not-a-boundary"
    assert notes.size == 36
    # The parser already drops the directories of legacy full-path file names.
    assert blob.filename == blob.raw_filename == "blob.bin"
    assert blob.content_type == "application/octet-stream"
    assert blob.read() == b"\x00\xff binary"


def test_parse_multipart_empty_filename_is_a_file() -> None:
    fields, files = parse(body(part("upload", b"", filename="")))
    assert not fields
    upload = files["upload"]
    assert upload.filename == ""
    assert upload.raw_filename == ""
    assert upload.size == 0


def test_parse_multipart_keeps_raw_filename() -> None:
    _, files = parse(body(part("f", filename="..\\..\\etc/passwd")))
    assert files["f"].raw_filename == "..\\..\\etc/passwd"
    assert files["f"].filename == "passwd"


def test_parse_multipart_browser_quoting() -> None:
    # Browsers percent-encode '"', CR and LF in names and filenames (WHATWG HTML).
    fields, files = parse(body(part("say %22hi%22", b"x"), part("f", b"y", filename="a%22b.txt")))
    assert fields['say "hi"'] == "x"
    assert files["f"].raw_filename == 'a"b.txt'
    assert files["f"].filename == "a_b.txt"


def test_parse_multipart_empty_name_is_allowed() -> None:
    fields, _ = parse(body(part("", b"x")))
    assert fields[""] == "x"


def test_parse_multipart_no_parts() -> None:
    fields, files = parse(f"--{BOUNDARY}--".encode())
    assert not fields
    assert not files


def test_parse_multipart_preamble_and_epilogue() -> None:
    data = b"preamble text\r\n" + body(part("a", b"1")) + b"epilogue" * 20_000
    assert parse(data)[0]["a"] == "1"


def test_parse_multipart_ignores_declared_charset() -> None:
    data = body(part("a", "é".encode(), headers=("Content-Type: text/plain; charset=latin-1",)))
    assert parse(data)[0]["a"] == "é"


def test_parse_multipart_boundary_with_allowed_punctuation() -> None:
    boundary = "a'()+_,-./:=? b"
    data = f'--{boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--{boundary}--'
    fields, _ = parse_multipart(io.BytesIO(data.encode()), boundary, LIMITS)
    assert fields["x"] == "1"


class ChunkRecorder(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None
        self.sizes.append(size)
        return super().read(size)


def test_parse_multipart_reads_in_64k_chunks() -> None:
    stream = ChunkRecorder(body(part("f", b"x" * 300_000, filename="x")))
    parse_multipart(stream, BOUNDARY, LIMITS)
    assert set(stream.sizes) == {64 * 1024}
    assert len(stream.sizes) == 6


def _body_file(tmp_path: Path, size: int) -> IO[bytes]:
    path = tmp_path / "body"
    with path.open("wb") as out:
        out.write(part("title", b"big")[: -len(b"\r\n")] + b"\r\n")
        out.write(part("f", b"", filename="big.bin")[: -len(b"\r\n")])
        for _ in range(size // 65536):
            out.write(b"\xab" * 65536)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path.open("rb")


def test_parse_multipart_large_upload_spools_to_disk(tmp_path: Path) -> None:
    with _body_file(tmp_path, 3 * 1024 * 1024) as stream:
        fields, files = parse_multipart(stream, BOUNDARY, LIMITS)
    upload = files["f"]
    assert fields["title"] == "big"
    assert upload.size == 3 * 1024 * 1024
    assert upload.stream._rolled  # type: ignore[attr-defined]
    assert upload.read(4) == b"\xab" * 4
    upload.save(tmp_path / "saved")
    assert (tmp_path / "saved").stat().st_size == 3 * 1024 * 1024
    upload.close()


def test_parse_multipart_small_upload_stays_in_memory() -> None:
    _, files = parse(body(part("f", b"x" * 1000, filename="x")))
    assert not files["f"].stream._rolled


def test_parse_multipart_memory_stays_bounded(tmp_path: Path) -> None:
    limits = FormLimits(spool_max_size=256 * 1024)
    with _body_file(tmp_path, 3 * 1024 * 1024) as stream:
        tracemalloc.start()
        try:
            _, files = parse_multipart(stream, BOUNDARY, limits)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    files["f"].close()
    assert peak < 1024 * 1024


# parse_multipart: errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        (None, "The multipart/form-data request has no boundary."),
        ("", "The multipart/form-data request has no boundary."),
        ("x" * 71, "The multipart boundary is longer than 70 characters."),
        ("bad\nboundary", "The multipart boundary contains invalid characters."),
        ("semi;colon", "The multipart boundary contains invalid characters."),
        ("trailing ", "The multipart boundary contains invalid characters."),
        ("é", "The multipart boundary contains invalid characters."),
    ],
)
def test_parse_multipart_rejects_boundary(boundary: str | None, message: str) -> None:
    with pytest.raises(BadRequest) as info:
        parse_multipart(io.BytesIO(b""), boundary, LIMITS)
    assert info.value.code == 400
    assert info.value.description == message


def test_parse_multipart_accepts_70_character_boundary() -> None:
    boundary = "b" * 70
    data = f'--{boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--{boundary}--'
    assert parse_multipart(io.BytesIO(data.encode()), boundary, LIMITS)[0]["x"] == "1"


HEADER_LIMIT = "A multipart part has headers over the size limit."


def test_parse_multipart_part_header_size() -> None:
    limits = FormLimits(max_part_header_size=200)
    assert parse(body(part("a", headers=("X-Pad: " + "p" * 180,))), limits)
    data = body(part("a", headers=("X-Pad: " + "p" * 200,)))
    assert error(BadRequest, data, limits) == HEADER_LIMIT


def test_parse_multipart_unterminated_huge_header() -> None:
    data = f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=".encode() + b"x" * 20_000
    assert error(BadRequest, data) == HEADER_LIMIT


def test_parse_multipart_too_many_part_headers() -> None:
    headers = tuple(f"X-H{i}: v" for i in range(10))
    assert error(BadRequest, body(part("a", headers=headers))) == HEADER_LIMIT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            body(part(name=None)),
            "A multipart part has no name in its Content-Disposition header.",
        ),
        (
            f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
            "Invalid multipart body: Missing Content-Disposition segment header.",
        ),
        (
            f'--{BOUNDARY}\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n'
            f"--{BOUNDARY}--".encode(),
            "Invalid multipart body: Invalid Content-Disposition segment header: Wrong type.",
        ),
        (
            f"--{BOUNDARY}\r\nno colon here\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
            "Invalid multipart body: Malformed segment header.",
        ),
        (
            f"--{BOUNDARY}\r\nBad Name: x\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
            "Invalid multipart body: Invalid segment header name.",
        ),
        (
            f"--{BOUNDARY}\r\n".encode() + b"X-A: \xff\r\n\r\nx\r\n" + f"--{BOUNDARY}--".encode(),
            "Invalid multipart body: Segment header failed to decode.",
        ),
        (
            f"--{BOUNDARY}\nContent-Disposition: form-data\n\nx\n--{BOUNDARY}--".encode(),
            "Invalid multipart body: Invalid line break after first boundary.",
        ),
        (
            body(part("a", b"1")).replace(
                f"\r\n--{BOUNDARY}--".encode(), f"\r\n--{BOUNDARY}xx".encode()
            ),
            "Invalid multipart body: Unexpected bytes after boundary.",
        ),
        (
            body(part("a", b"\xff\xfe")),
            "A multipart field value is not valid UTF-8.",
        ),
    ],
)
def test_parse_multipart_rejects_malformed(data: bytes, message: str) -> None:
    assert error(BadRequest, data) == message


def test_parse_multipart_rejects_nul_in_file_part_header() -> None:
    data = body(part("a", filename="x", headers=("X-A: a\x00b",)))
    assert "forbidden character" in error(BadRequest, data)


TRUNCATED = "The multipart body is truncated: its final boundary is missing."


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"just some junk that is not multipart at all",
        body(part("a", b"1"))[:-10],
        body(part("a", b"1")).replace(f"--{BOUNDARY}--".encode(), b""),
        part("a", b"1", filename="x"),
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=".encode(),
    ],
)
def test_parse_multipart_rejects_truncated(data: bytes) -> None:
    assert error(BadRequest, data) == TRUNCATED


def test_parse_multipart_parts_limit() -> None:
    limits = FormLimits(max_form_parts=3)
    assert len(parse(body(*[part(f"f{i}") for i in range(3)]), limits)[0]) == 3
    data = body(*[part(f"f{i}") for i in range(3)], part("x", filename="x"))
    assert error(RequestEntityTooLarge, data, limits) == (
        "The form has too many parts (limit: MAX_FORM_PARTS)."
    )


def test_parse_multipart_files_limit() -> None:
    limits = FormLimits(max_form_files=2)
    assert len(parse(body(*[part("f", filename="x")] * 2), limits)[1].getlist("f")) == 2
    assert error(RequestEntityTooLarge, body(*[part("f", filename="x")] * 3), limits) == (
        "The form has too many files (limit: MAX_FORM_FILES)."
    )


def test_parse_multipart_memory_limit_counts_all_fields() -> None:
    limits = FormLimits(max_form_memory_size=10)
    # File content does not count against the memory limit.
    assert parse(
        body(part("a", b"12345"), part("b", b"67890"), part("f", b"x" * 100, filename="f")), limits
    )
    data = body(part("a", b"12345"), part("b", b"678901"))
    assert error(RequestEntityTooLarge, data, limits) == (
        "The form fields are too large (limit: MAX_FORM_MEMORY_SIZE)."
    )


def test_parse_multipart_without_limits() -> None:
    limits = FormLimits(max_form_memory_size=None, max_form_parts=None, max_form_files=None)
    fields, files = parse(body(*[part("a", b"v")] * 1500, *[part("f", filename="x")] * 150), limits)
    assert len(fields.getlist("a")) == 1500
    assert len(files.getlist("f")) == 150


@pytest.mark.parametrize(
    "data",
    [
        body(part("f", b"done", filename="x"), part("late", b"\xff")),
        body(part("f", b"done", filename="x"), part(name=None)),
        part("f", b"done", filename="x") + part("f", b"partial", filename="y")[:-5],
    ],
)
def test_parse_multipart_closes_files_on_error(spools: list[Any], data: bytes) -> None:
    with pytest.raises(BadRequest):
        parse(data)
    assert spools
    assert all(spool.closed for spool in spools)


def _mutations() -> st.SearchStrategy[bytes]:
    valid = body(
        part("a", b"1"), part("f", b"data", filename="x.txt", headers=("Content-Type: text/plain",))
    )

    def mutate(edits: list[tuple[int, bytes, int]]) -> bytes:
        data = bytearray(valid)
        for position, insert, delete in edits:
            index = position % (len(data) + 1)
            data[index : index + delete] = insert
        return bytes(data)

    edit = st.tuples(st.integers(0, 10_000), st.binary(max_size=8), st.integers(0, 8))
    return st.lists(edit, max_size=5).map(mutate)


@settings(max_examples=500)
@given(st.binary(max_size=400) | _mutations())
def test_parse_multipart_raises_only_http_errors(data: bytes) -> None:
    limits = FormLimits(max_form_memory_size=100, max_form_parts=5, max_form_files=1)
    try:
        parse(data, limits)
    except HTTPException as exc:
        assert exc.code in (400, 413)


# parse_form ---------------------------------------------------------------------------


def test_parse_form_urlencoded() -> None:
    fields, files = parse_form(
        "application/x-www-form-urlencoded; charset=UTF-8", io.BytesIO(b"a=1&b=2"), LIMITS
    )
    assert fields.to_dict() == {"a": "1", "b": "2"}
    assert not files


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "Application/X-WWW-Form-URLEncoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
    ],
)
def test_parse_form_urlencoded_body(content_type: str) -> None:
    fields, files = parse_form(content_type, RequestBody(b"a=1&b=2&a=3"), LIMITS)
    assert list(fields.items(multi=True)) == [("a", "1"), ("a", "3"), ("b", "2")]
    assert not files


def test_parse_form_multipart() -> None:
    data = body(part("a", b"1"), part("f", b"x", filename="f.txt"))
    content_type = f'multipart/form-data; boundary="{BOUNDARY}"'
    fields, files = parse_form(content_type, io.BytesIO(data), LIMITS)
    assert fields["a"] == "1"
    assert files["f"].read() == b"x"


def test_parse_form_multipart_without_boundary() -> None:
    with pytest.raises(BadRequest) as info:
        parse_form("multipart/form-data", io.BytesIO(b""), LIMITS)
    assert info.value.description == "The multipart/form-data request has no boundary."


@pytest.mark.parametrize("content_type", [None, "", "application/json", "text/plain"])
def test_parse_form_other_types(content_type: str | None) -> None:
    stream = io.BytesIO(b"a=1")
    fields, files = parse_form(content_type, stream, LIMITS)
    assert not fields
    assert not files
    assert stream.tell() == 0


def test_parse_form_urlencoded_reads_at_most_one_byte_over_the_limit() -> None:
    limits = FormLimits(max_form_memory_size=100_000)
    stream = io.BytesIO(b"a=" + b"x" * 1_000_000)
    with pytest.raises(RequestEntityTooLarge) as info:
        parse_form("application/x-www-form-urlencoded", stream, limits)
    assert "MAX_FORM_MEMORY_SIZE" in info.value.description
    assert stream.tell() == 100_001


class TrickleStream(io.RawIOBase):
    """Returns at most 7 bytes per read, like a slow socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, 7) if size >= 0 else 7)


@pytest.mark.parametrize("limit", [None, 1000])
def test_parse_form_urlencoded_survives_short_reads(limit: int | None) -> None:
    limits = FormLimits(max_form_memory_size=limit)
    stream: Any = TrickleStream(b"a=" + b"x" * 500)
    fields, _ = parse_form("application/x-www-form-urlencoded", stream, limits)
    assert fields["a"] == "x" * 500


def test_form_limits_are_frozen() -> None:
    limits = FormLimits()
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_form_parts = 5  # type: ignore[misc]
    assert (limits.max_form_memory_size, limits.max_form_parts, limits.max_form_files) == (
        500_000,
        1000,
        100,
    )
    assert (limits.max_part_header_size, limits.spool_max_size) == (8192, 1024 * 1024)


# non-Latin-1 file names (browsers send raw UTF-8 in filename=) ------------------------

FULL_WIDTH_CON = "\uff23\uff2f\uff2e"  # full-width C, O, N


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("文件.txt", "文件.txt"),
        (f"{FULL_WIDTH_CON}.txt", f"_{FULL_WIDTH_CON}.txt"),  # folds to CON, a device
        ("COM¹.log", "_COM¹.log"),  # a superscript digit folds to COM1
        ("Ωμέγα €.pdf", "Ωμέγα €.pdf"),
        ("../../秘密.txt", "秘密.txt"),
    ],
)
def test_utf8_filenames_are_accepted_and_made_safe(raw: str, safe: str) -> None:
    _, files = parse(body(part("doc", b"data", filename=raw)))
    upload = files["doc"]
    assert upload.raw_filename == raw
    assert upload.filename == safe
    assert upload.read() == b"data"
    upload.close()


def test_a_filename_star_parameter_is_ignored_not_refused() -> None:
    disposition = (
        'Content-Disposition: form-data; name="doc"; filename="plain.txt"; '
        "filename*=UTF-8''%E6%96%87%E4%BB%B6.txt"
    )
    raw = "\r\n".join([f"--{BOUNDARY}", disposition, "", ""]).encode() + b"data\r\n"
    _, files = parse(body(raw))
    upload = files["doc"]
    assert upload.filename == "plain.txt"
    assert upload.read() == b"data"
    upload.close()


@pytest.mark.parametrize("name", ["文件.txt", f"{FULL_WIDTH_CON}.txt"])
def test_utf8_filename_upload_through_the_app(app: Cupola, client: TestClient, name: str) -> None:
    @app.post("/upload")
    def upload(request: Request) -> dict[str, Any]:
        file = request.files["doc"]
        return {"filename": file.filename, "size": file.size}

    response = client.post("/upload", files={"doc": (name, b"hello", "text/plain")})
    assert response.status_code == 200
    assert response.json() == {"filename": secure_filename(name), "size": 5}
