"""Control characters reflected into a response header, over real servers with raw sockets.

Cupola refuses them with a 400 before the server sees them; a server would otherwise answer
500 (gunicorn) or drop the connection (uvicorn).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.e2e.conftest import HOST, Server
from tests.e2e.test_hostile_input import exchange, status_of

CONTROL_BYTES = [*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F]


@pytest.mark.parametrize("byte", CONTROL_BYTES, ids=lambda b: f"0x{b:02x}")
def test_control_byte_reflected_into_a_header_is_a_400(server: Server, byte: int) -> None:
    value = quote(f"a{chr(byte)}b")
    raw = f"GET /reflect?value={value} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
    answer = exchange(server, raw.encode())
    assert status_of(answer) == 400, answer[:300]


def test_tab_in_a_reflected_header_is_kept(server: Server) -> None:
    raw = f"GET /reflect?value=a%09b HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
    answer = exchange(server, raw.encode())
    assert status_of(answer) == 200, answer[:300]
    assert b"X-Reflected: a\tb" in answer or b"x-reflected: a\tb" in answer
