"""The timing panel: wall and CPU time, and each middleware hook's share."""

from __future__ import annotations

import re
import time

import pytest

from cupola import Cupola, Middleware
from cupola.http.request import Request
from cupola.http.response import Response
from cupola.testing import TestClient

from ...conftest import details, panel


class Slow(Middleware):
    def process_request(self, request: Request) -> None:
        time.sleep(0.02)


class SlowAsync(Middleware):
    async def process_response(self, request: Request, response: Response) -> Response:
        return response


@pytest.mark.parametrize("middleware", [[Slow], [Slow, SlowAsync]])
def test_wall_cpu_and_middleware(
    app: Cupola, client: TestClient, middleware: list[type[Middleware]]
) -> None:
    for cls in middleware:
        app.add_middleware(cls)

    @app.get("/")
    def view() -> str:
        return "ok"

    timer = panel(details(client, client.get("/").headers["X-Debug-Id"]), "timer")
    wall = float(re.search(r"<td>Wall time</td><td>([\d.]+) ms</td>", timer).group(1))  # type: ignore[union-attr]
    assert wall >= 20
    assert re.search(r"<td>CPU time \((thread|process)\)</td><td>[\d.]+ ms</td>", timer)
    slow = re.search(r"<td>Slow</td><td>process_request</td><td>([\d.]+) ms</td>", timer)
    assert slow is not None and float(slow.group(1)) >= 20
    assert "<td>SessionMiddleware</td><td>process_response</td>" in timer
    if SlowAsync in middleware:
        assert "<td>SlowAsync</td><td>process_response</td>" in timer
