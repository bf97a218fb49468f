"""A throttled REST endpoint for the multi-worker exactness test.

``uvicorn throttle_app:app.asgi --workers 4`` or ``gunicorn throttle_app:app --workers 4``;
``THROTTLE_CACHE_URL`` and ``THROTTLE_CACHE_PREFIX`` from the environment put the counters in
a Redis shared by the workers (or in each process's memory with ``memory://``). Each answer
names the worker process that served it.
"""

from __future__ import annotations

import os
from typing import Any

from cupola import Cupola
from cupola.rest.response import Response
from cupola.rest.throttling import AnonRateThrottle
from cupola.rest.views import APIView

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


class Limited(APIView):
    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]

    def get(self, request: Any) -> Response:
        return Response({"pid": os.getpid()})


@app.get("/ready")
def ready() -> dict[str, Any]:
    return {"pid": os.getpid()}


app.add_url_rule("/limited", view_func=Limited.as_view("limited"))
