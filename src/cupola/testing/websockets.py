"""WebSocket sessions for the test client: ``with client.websocket_connect(path) as ws:``.

The app's ``app.asgi`` runs on the client's event-loop thread; the test talks to it through
two queues. Every wait has a timeout, so a handler that never answers fails the test
instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

import httpx

from cupola.http import json as jsonlib
from cupola.websockets import WebSocketDisconnect

if TYPE_CHECKING:
    from cupola.testing.client import TestClient

__all__ = ["WebSocketRejected", "WebSocketTestSession"]

#: Seconds a receive waits for the app before failing the test.
DEFAULT_TIMEOUT = 5.0


class WebSocketRejected(Exception):
    """The app refused the handshake.

    Attributes:
        status: The HTTP status the client got (403 when the app closed before accepting).
        body: The body of the refusal, when the app sent one.
    """

    def __init__(self, status: int, body: bytes = b"") -> None:
        detail = f": {body.decode('utf-8', 'replace')}" if body else ""
        super().__init__(f"The WebSocket handshake was refused with {status}{detail}")
        self.status = status
        self.body = body


class WebSocketTestSession:
    """One WebSocket connection from the test client to the app, in-process.

    Use it through :meth:`TestClient.websocket_connect
    <cupola.testing.TestClient.websocket_connect>`.

    Args:
        client: The test client; its cookies and base URL are sent with the handshake.
        path: The path, optionally with a query string.
        headers: Extra handshake headers (``Origin``…).
        subprotocols: Subprotocols to offer.
        timeout: Seconds each receive waits before raising ``TimeoutError``.

    Attributes:
        accepted_subprotocol: The subprotocol the app accepted, if any.
        accept_headers: The headers the app sent with its accept.
    """

    def __init__(
        self,
        client: TestClient,
        path: str,
        headers: Mapping[str, str] | None = None,
        subprotocols: Sequence[str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.timeout = timeout
        self.accepted_subprotocol: str | None = None
        self.accept_headers: list[tuple[bytes, bytes]] = []
        self._loop = client._event_loop()
        self._scope = _scope(client, path, headers, subprotocols)
        # NOTE: an asyncio.Queue binds to a loop on first use, not here (Python 3.10+).
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: queue.Queue[dict[str, Any]] = queue.Queue()
        self._task: Future[None] | None = None
        self._app = client.app.asgi
        self._closed = False

    # -- opening and closing ----------------------------------------------------------------

    def __enter__(self) -> WebSocketTestSession:
        self._task = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        self._put({"type": "websocket.connect"})
        message = self._get()
        if message["type"] == "websocket.accept":
            self.accepted_subprotocol = message.get("subprotocol")
            self.accept_headers = list(message.get("headers") or [])
            return self
        self._closed = True
        body = self._denial_body() if message["type"] == "websocket.http.response.start" else b""
        self._finish()
        if message["type"] == "websocket.close":
            raise WebSocketRejected(403)
        if message["type"] == "websocket.http.response.start":
            raise WebSocketRejected(message["status"], body)
        raise RuntimeError(f"The app answered the handshake with {message['type']!r}.")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection from the client's side and wait for the handler to end."""
        if not self._closed:
            self._closed = True
            self._put({"type": "websocket.disconnect", "code": code, "reason": reason})
        self._finish()

    # -- sending ----------------------------------------------------------------------------

    def send_text(self, text: str) -> None:
        """Send a text message."""
        self._put({"type": "websocket.receive", "text": text})

    def send_bytes(self, data: bytes) -> None:
        """Send a binary message."""
        self._put({"type": "websocket.receive", "bytes": data})

    def send_json(self, data: Any, *, binary: bool = False) -> None:
        """Send ``data`` as JSON, in a text message (binary with ``binary=True``)."""
        encoded = jsonlib.dumps(data)
        if binary:
            self.send_bytes(encoded)
        else:
            self.send_text(encoded.decode())

    # -- receiving --------------------------------------------------------------------------

    def receive(self) -> dict[str, Any]:
        """The next raw ``websocket.send`` message from the app.

        Raises:
            WebSocketDisconnect: When the app closed the connection (with its code).
            TimeoutError: When the app sends nothing within the timeout.
        """
        message = self._get()
        if message["type"] == "websocket.close":
            code, reason = message.get("code", 1000), message.get("reason") or ""
            self.close(code, reason)  # answer the closing handshake, as a browser does
            raise WebSocketDisconnect(code, reason)
        return message

    def receive_text(self) -> str:
        """The next text message.

        Raises:
            WebSocketDisconnect: When the app closed the connection (with its code).
            TimeoutError: When the app sends nothing within the timeout.
            TypeError: When the message is binary.
        """
        text = self.receive().get("text")
        if text is None:
            raise TypeError("Expected a text message, got a binary one.")
        return str(text)

    def receive_bytes(self) -> bytes:
        """The next binary message.

        Raises:
            WebSocketDisconnect: When the app closed the connection (with its code).
            TimeoutError: When the app sends nothing within the timeout.
            TypeError: When the message is text.
        """
        data = self.receive().get("bytes")
        if data is None:
            raise TypeError("Expected a binary message, got a text one.")
        return bytes(data)

    def receive_json(self) -> Any:
        """The next message, text or binary, decoded as JSON."""
        message = self.receive()
        text = message.get("text")
        return jsonlib.loads(text if text is not None else message.get("bytes") or b"")

    # -- the app's side ---------------------------------------------------------------------

    async def _serve(self) -> None:
        try:
            await self._app(self._scope, self._to_app.get, self._send)
        finally:
            # NOTE: a handler that returns without closing is closed by the app; this
            # sentinel only ends a test that is still waiting when the app is gone.
            self._from_app.put({"type": "cupola.test.finished"})

    async def _send(self, message: Mapping[str, Any]) -> None:
        if self._closed:  # as a server does once the client is gone
            raise OSError("The test client closed the connection.")
        self._from_app.put(dict(message))

    def _put(self, message: dict[str, Any]) -> None:
        self._loop.call_soon_threadsafe(self._to_app.put_nowait, message)

    def _get(self) -> dict[str, Any]:
        try:
            message = self._from_app.get(timeout=self.timeout)
        except queue.Empty:
            raise TimeoutError(
                f"The app sent nothing within {self.timeout} s (websocket_connect(timeout=…))."
            ) from None
        if message["type"] == "cupola.test.finished":
            self._finish()  # re-raises what escaped the app
            raise RuntimeError("The app ended the connection without closing it.")
        return message

    def _denial_body(self) -> bytes:
        body = b""
        while True:
            message = self._get()  # websocket.http.response.body
            body += bytes(message.get("body", b""))
            if not message.get("more_body"):
                return body

    def _drain(self) -> None:
        """Wait until the app task has ended (it sends a last message as it does)."""
        with contextlib.suppress(queue.Empty):
            while self._from_app.get(timeout=self.timeout)["type"] != "cupola.test.finished":
                pass

    def _finish(self) -> None:
        """Wait for the app task to end; re-raise what escaped it."""
        if self._task is None:
            return
        try:
            self._task.result(self.timeout)
        except TimeoutError:
            self._task.cancel()
            self._drain()
            raise TimeoutError(
                f"The WebSocket handler did not end within {self.timeout} s of the close."
            ) from None


def _scope(
    client: TestClient,
    path: str,
    headers: Mapping[str, str] | None,
    subprotocols: Sequence[str] | None,
) -> dict[str, Any]:
    url = client._merge_url(path)
    request = httpx.Request("GET", url, headers=client._merge_headers(headers))
    client.cookies.set_cookie_header(request)
    raw_path = url.raw_path.split(b"?", 1)[0]
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "wss" if url.scheme == "https" else "ws",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "root_path": "",
        "query_string": url.query,
        "headers": [(name.lower(), value) for name, value in request.headers.raw],
        "client": ("127.0.0.1", 50000),
        "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
        "subprotocols": list(subprotocols or ()),
        "extensions": {"websocket.http.response": {}},
    }
