"""The REST throttling page's example does what docs/rest/throttling.md says."""

from __future__ import annotations

from typing import Any

import pytest

from cupola.testing import WebSocketRejected


@pytest.mark.example("rest/throttling/app.py")
def test_throttling_app(example: Any) -> None:
    client = example.client
    assert [client.get("/books").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get("/books")
    assert refused.json()["detail"].startswith("Request was throttled. Expected available in ")
    assert 0 < int(refused.headers["retry-after"]) <= 60

    # The upload scope counts apart (and anonymous requests count for "anon" too).
    example.app.config["REST"]["DEFAULT_THROTTLE_RATES"]["anon"] = None
    assert [client.post("/uploads").status_code for _ in range(3)] == [201, 201, 429]

    example.app.config["REST"]["DEFAULT_THROTTLE_RATES"]["anon"] = "2/min"
    example.app.extensions.pop("cupola.cache")  # a fresh count for the socket
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"n": 1})
        assert ws.receive_json() == {"echo": {"n": 1}}
        ws.send_json({"n": 2})
        assert ws.receive_json()["detail"].startswith("Request was throttled.")
    with pytest.raises(WebSocketRejected), client.websocket_connect("/ws/chat"):
        pass
