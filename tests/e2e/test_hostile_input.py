"""Hostile request framing over real servers, sent with raw sockets.

A read error from the server's input stream (broken chunked framing) is a 400 for every kind
of body read (form, JSON, ``get_data()``, ``stream()``), never a 500.
"""

from __future__ import annotations

import socket

import pytest

from tests.e2e.conftest import HOST, Server

BODY_ROUTES = [
    ("/form", "application/x-www-form-urlencoded"),
    ("/echo", "application/json"),
    ("/upload", "application/octet-stream"),
    ("/stream-in", "application/octet-stream"),
]

BROKEN_CHUNKS = {
    "size 0x": b"0x5\r\nhello\r\n0\r\n\r\n",
    "garbage in chunk data": b"5\r\nhelloGARBAGE\r\n0\r\n\r\n",
    "size not hex": b"zz\r\nhello\r\n0\r\n\r\n",
    "missing terminator": b"5\r\nhello",
}


def exchange(server: Server, raw: bytes, timeout: float = 5) -> bytes:
    """Send ``raw`` on a fresh connection and return everything read until the server closes."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(raw)
        if raw.endswith(b"hello"):  # a truncated body: the client gives up sending
            sock.shutdown(socket.SHUT_WR)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
                if b"\r\n\r\n" in received and b"Connection: close" not in received:
                    head = received.split(b"\r\n\r\n", 1)[0].lower()
                    if b"content-length" in head:
                        break
        except (TimeoutError, ConnectionResetError):
            pass
    return received


def status_of(answer: bytes) -> int | None:
    """The status code of the first response in ``answer`` (``None``: no response)."""
    if not answer.startswith(b"HTTP/1."):
        return None
    return int(answer.split(b" ", 2)[1])


@pytest.mark.parametrize("framing", sorted(BROKEN_CHUNKS))
@pytest.mark.parametrize(("path", "content_type"), BODY_ROUTES)
def test_broken_chunked_framing_is_a_400(
    server: Server, path: str, content_type: str, framing: str
) -> None:
    raw = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode() + BROKEN_CHUNKS[framing]
    answer = exchange(server, raw)
    if server.name == "uvicorn" and framing == "missing terminator":
        # uvicorn reports the half-closed connection as a disconnect: nobody to answer.
        assert status_of(answer) in (400, None), answer[:300]
    else:
        assert status_of(answer) == 400, answer[:300]
