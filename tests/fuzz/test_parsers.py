"""Property tests over the request parsers: any input is answered with success or a 4xx.

Headers, cookies, query strings, urlencoded and multipart forms, JSON and ranges are fed
random input through both adapters (a hand-built WSGI environ, a hand-built ASGI scope, as a
server would hand them over). The property: the status is below 500, i.e. the input was
served or refused with a clear 4xx, never an unexpected exception. Each property runs a
bounded number of examples so the module stays within seconds in CI; raise
``CUPOLA_FUZZ_EXAMPLES`` to run longer on demand.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupola import Cupola, request
from tests.conftest import RawResponse, call_asgi, call_wsgi

EXAMPLES = int(os.environ.get("CUPOLA_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
STATIC = Path(__file__).parent / "static"
BOUNDARY = "fuzzboundary"


def make_app() -> Cupola:
    app = Cupola(
        __name__,
        static_folder=str(STATIC),
        config={"ALLOWED_HOSTS": ["*"], "PROPAGATE_EXCEPTIONS": False, "CSRF_ENABLED": False},
    )

    @app.route("/read", methods=["GET", "POST"])
    def read() -> dict[str, Any]:
        return {
            "headers": len(list(request.headers.items())),
            "cookies": len(request.cookies),
            "args": len(list(request.args.items(multi=True))),
            "host": request.host,
            "url": request.url,
            "accept": request.headers.get("Accept"),
        }

    @app.post("/form")
    def form() -> dict[str, Any]:
        return {"fields": len(request.form), "files": [f.filename for f in request.files.values()]}

    @app.post("/json")
    def json() -> dict[str, Any]:
        return {"type": type(request.get_json(force=True)).__name__}

    return app


APP = make_app()


def send(protocol: str, method: str, path: bytes, **kwargs: Any) -> RawResponse:
    call = call_wsgi if protocol == "wsgi" else call_asgi
    return call(APP, method, path, **kwargs)


def served_or_refused(response: RawResponse) -> None:
    assert response.status < 500, (response.status, response.text[:300])


protocols = pytest.mark.parametrize("protocol", ["wsgi", "asgi"])
latin1 = st.text(st.characters(max_codepoint=255), max_size=80)
header_name = st.text("abcdefghijklmnopqrstuvwxyz-ABCXYZ0123456789_", min_size=1, max_size=20)


@protocols
@FUZZ
@given(headers=st.lists(st.tuples(header_name, latin1), max_size=8))
def test_any_headers(protocol: str, headers: list[tuple[str, str]]) -> None:
    headers = [(n, v) for n, v in headers if n.lower() not in ("host", "content-length")]
    served_or_refused(send(protocol, "GET", b"/read", headers=headers))


@protocols
@FUZZ
@given(host=latin1)
def test_any_host(protocol: str, host: str) -> None:
    headers = [("Host", host)] if protocol == "wsgi" else [("X-Host", host)]
    served_or_refused(send(protocol, "GET", b"/read", headers=headers))


@protocols
@FUZZ
@given(
    cookie=st.one_of(
        latin1,
        st.lists(st.tuples(latin1, latin1)).map(
            lambda pairs: "; ".join(f"{k}={v}" for k, v in pairs)
        ),
    )
)
def test_any_cookie_header(protocol: str, cookie: str) -> None:
    served_or_refused(send(protocol, "GET", b"/read", headers=[("Cookie", cookie)]))


@protocols
@FUZZ
@given(query=st.binary(max_size=200))
def test_any_query_string(protocol: str, query: bytes) -> None:
    served_or_refused(send(protocol, "GET", b"/read", query=query))


@protocols
@FUZZ
@given(path=st.binary(min_size=1, max_size=60))
def test_any_path(protocol: str, path: bytes) -> None:
    served_or_refused(send(protocol, "GET", b"/" + path.replace(b"?", b"")))


@protocols
@FUZZ
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            f"multipart/form-data; boundary={BOUNDARY}",
            "multipart/form-data",
            "multipart/form-data; boundary=",
        ]
    ),
)
def test_any_form_body(protocol: str, body: bytes, content_type: str) -> None:
    response = send(
        protocol, "POST", b"/form", headers=[("Content-Type", content_type)], chunks=[body]
    )
    served_or_refused(response)


part_header = st.sampled_from(
    [
        'Content-Disposition: form-data; name="a"',
        'Content-Disposition: form-data; name="f"; filename="x.txt"',
        'Content-Disposition: form-data; name="f"; filename="文件.txt"',
        "Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%E6%96%87.txt",
        'Content-Disposition: form-data; name="f"; filename="../../CON.txt"',
        "Content-Disposition: attachment",
        "Content-Type: text/plain",
        "Content-Type: \x00",
    ]
)


@st.composite
def multipart_bodies(draw: Any) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        headers = draw(st.lists(st.one_of(part_header, latin1), max_size=3))
        content = draw(st.binary(max_size=60))
        lines = [f"--{BOUNDARY}", *headers, "", ""]
        parts.append("\r\n".join(lines).encode("utf-8", "surrogatepass") + content + b"\r\n")
    ending = draw(st.sampled_from([f"--{BOUNDARY}--\r\n".encode(), b"", b"--" + BOUNDARY.encode()]))
    return b"".join(parts) + ending


@protocols
@FUZZ
@given(body=multipart_bodies())
def test_any_multipart_body(protocol: str, body: bytes) -> None:
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    response = send(
        protocol, "POST", b"/form", headers=[("Content-Type", content_type)], chunks=[body]
    )
    served_or_refused(response)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@protocols
@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda value: repr(value).encode()),
        st.integers(0, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1, 5000).map(lambda digits: b"1" * digits),
    )
)
def test_any_json_body(protocol: str, body: bytes) -> None:
    response = send(
        protocol, "POST", b"/json", headers=[("Content-Type", "application/json")], chunks=[body]
    )
    served_or_refused(response)


range_spec = st.one_of(
    latin1,
    st.tuples(st.text("0123456789", max_size=30), st.text("0123456789", max_size=30)).map(
        lambda pair: f"bytes={pair[0]}-{pair[1]}"
    ),
    st.integers(0, 6000).map(lambda zeros: "bytes=" + "0" * zeros + "1-2"),
)


@protocols
@FUZZ
@given(value=range_spec, if_range=st.none() | latin1)
def test_any_range_header(protocol: str, value: str, if_range: str | None) -> None:
    headers = [("Range", value)]
    if if_range is not None:
        headers.append(("If-Range", if_range))
    response = send(protocol, "GET", b"/static/file.txt", headers=headers)
    served_or_refused(response)
    assert response.status in (200, 206, 400, 416), response.status
