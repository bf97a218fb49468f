"""cupola.servers.granian: the request counter behind --max-requests (in-process).

Recycling itself runs over real processes in test_servers.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

from cupola.servers.granian import counted


def test_wsgi_counter_calls_back_once_at_the_limit() -> None:
    calls: list[int] = []
    answered: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        answered.append(environ["PATH_INFO"])
        return [b"ok"]

    wrapped = counted(app, "wsgi", 3, lambda: calls.append(len(answered)))
    for n in range(6):
        assert wrapped({"PATH_INFO": f"/{n}"}, None) == [b"ok"]
    assert calls == [2]  # during the third request, before the app answered it
    assert len(answered) == 6  # requests past the limit are still served


def test_asgi_counter_skips_lifespan() -> None:
    calls: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        pass

    wrapped = counted(app, "asgi", 2, lambda: calls.append("limit"))

    async def run() -> None:
        await wrapped({"type": "lifespan"}, None, None)
        await wrapped({"type": "http"}, None, None)
        assert calls == []
        await wrapped({"type": "websocket"}, None, None)
        await wrapped({"type": "http"}, None, None)

    asyncio.run(run())
    assert calls == ["limit"]
