"""A throttled endpoint for the multi-worker exactness test.

``uvicorn throttle_app:app.asgi --workers 4`` or ``gunicorn throttle_app:app --workers 4``;
``THROTTLE_CACHE_URL`` and ``THROTTLE_CACHE_PREFIX`` from the environment put the counters in
a Redis shared by the workers (or in each process's memory with ``memory://``). Each answer
names the worker process that served it.
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

from cupola import Cupola, request
from cupola.auth.models import ANONYMOUS
from cupola.rest.exceptions import Throttled
from cupola.rest.throttling import AnonRateThrottle, check_throttles

app = Cupola(
    __name__,
    config={
        "ALLOWED_HOSTS": ["127.0.0.1"],
        "CACHE_URL": os.environ.get("THROTTLE_CACHE_URL", "memory://"),
        "CACHE_KEY_PREFIX": os.environ.get("THROTTLE_CACHE_PREFIX", ""),
        "REST": {"DEFAULT_THROTTLE_RATES": {"anon": "100/min"}},
    },
    static_folder=None,
)


@app.get("/ready")
def ready() -> dict[str, Any]:
    return {"pid": os.getpid()}


@app.get("/limited")
def limited() -> Any:
    # What a REST request offers a throttle: an anonymous user and the client's address.
    client = SimpleNamespace(user=ANONYMOUS, remote_addr=request.remote_addr)
    try:
        check_throttles([AnonRateThrottle()], client, None)
    except Throttled as refusal:
        return {"detail": str(refusal.detail), "pid": os.getpid()}, 429
    return {"pid": os.getpid()}
