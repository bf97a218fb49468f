"""The app of tests/e2e/test_outages.py: sessions, cache, throttle and channels on Redis.

In process, the test calls :func:`make_app`; under uvicorn (``uvicorn outage_app:asgi``)
the Redis URL, key prefix and policy come from ``CUPOLA_OUTAGE_REDIS_URL``,
``CUPOLA_OUTAGE_PREFIX`` and ``CUPOLA_OUTAGE_POLICY``.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from cupola import Cupola, request, session
from cupola.auth import authenticate
from cupola.cache import cache, cached
from cupola.channels import broadcast


def make_app(redis_url: str, policy: str, prefix: str | None = None) -> Cupola:
    """The app, on the Redis at ``redis_url``, under ``prefix`` (a fresh one by default)."""
    prefix = prefix or f"cupola-test:{uuid.uuid4().hex}:"
    parts = ("sessions", "cache", "throttle", "channels")
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "outage-test",
            "CSRF_ENABLED": False,
            "SESSION_BACKEND": redis_url,
            "SESSION_KEY_PREFIX": f"{prefix}session:",
            "CACHE_URL": redis_url,
            "CACHE_KEY_PREFIX": f"{prefix}cache:",
            "SECURITY_KEY_PREFIX": f"{prefix}security:",
            "CHANNEL_LAYER": redis_url,
            "CHANNEL_PREFIX": f"{prefix}channels:",
            "OUTAGE_POLICY": dict.fromkeys(parts, policy),
            # Windows are aligned to the clock: one this long is never crossed mid-test.
            "LOGIN_THROTTLE_WINDOW": 10**9,
            "PROPAGATE_EXCEPTIONS": False,  # a 500 page, as in production
        },
    )

    @app.post("/login")
    def login() -> dict[str, Any]:
        session["user"] = request.json["user"]
        return {"user": session["user"]}

    @app.get("/me")
    def me() -> dict[str, Any]:
        return {"user": session.get("user")}

    @app.post("/remember")
    def remember() -> dict[str, Any]:
        cache.set("note", request.json["note"], ttl=600)
        return {"ok": True}

    @app.get("/note")
    def note() -> dict[str, Any]:
        return {"note": cache.get("note")}

    calls = {"n": 0}

    @app.get("/page")
    @cached(ttl=600)
    def page() -> dict[str, Any]:
        calls["n"] += 1
        return {"rendered": calls["n"]}

    @app.post("/attempt")
    def attempt() -> tuple[dict[str, Any], int]:
        authenticate("ada", "wrong", lambda name: None)
        return {"error": "wrong"}, 400

    @app.post("/announce")
    def announce() -> dict[str, Any]:
        broadcast("room", {"type": "news"})  # on the process's one broadcast loop
        return {"sent": True}

    return app


if "CUPOLA_OUTAGE_REDIS_URL" in os.environ:
    app = make_app(
        os.environ["CUPOLA_OUTAGE_REDIS_URL"],
        os.environ["CUPOLA_OUTAGE_POLICY"],
        os.environ["CUPOLA_OUTAGE_PREFIX"],
    )
    asgi = app.asgi
