"""The app `cupola serve` runs in tests/servers: its settings come from the environment.

SERVE_DEBUG=1 turns DEBUG on, SERVE_WS=1 adds a WebSocket route (so the app is served as
ASGI), SERVE_SHUTDOWN_FILE names a file the on_shutdown function appends to, SERVE_BAD=1
leaves SECRET_KEY out (a deployment error), SERVE_FAIL_STARTUP=1 makes on_startup raise.
"""

from __future__ import annotations

import os
import time

from cupola import Cupola, PlainTextResponse, request
from cupola.websockets import WebSocket

config = {
    "SECRET_KEY": "k" * 40,
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
    "DEBUG": os.environ.get("SERVE_DEBUG") == "1",
    "SECURE_HSTS_SECONDS": 3600,
    "SESSION_COOKIE_SECURE": True,
}
if os.environ.get("SERVE_BAD") == "1":
    del config["SECRET_KEY"]
app = Cupola(__name__, config=config, static_folder=None)


@app.get("/plain")
def plain() -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


@app.get("/pid")
def pid() -> PlainTextResponse:
    return PlainTextResponse(str(os.getpid()))


@app.get("/slow")
def slow() -> PlainTextResponse:
    time.sleep(float(request.args.get("seconds", "1")))
    return PlainTextResponse("done")


@app.post("/upload")
def upload() -> PlainTextResponse:
    return PlainTextResponse(str(len(request.get_data())))


if os.environ.get("SERVE_WS") == "1":

    @app.websocket("/ws")
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        text = await ws.receive_text()
        await ws.send_text(f"echo: {text}")
        await ws.close()


@app.on_startup
def maybe_fail() -> None:
    if os.environ.get("SERVE_FAIL_STARTUP") == "1":
        raise RuntimeError("the database is not there")


@app.on_shutdown
def record_shutdown() -> None:
    path = os.environ.get("SERVE_SHUTDOWN_FILE")
    if path:
        with open(path, "a") as file:
            file.write(f"shutdown {os.getpid()}\n")
