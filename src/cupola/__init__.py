"""Cupola: a Python web framework for WSGI and ASGI with batteries included."""

from __future__ import annotations

from cupola.app import Cupola, current_app
from cupola.blueprints import Blueprint
from cupola.context import g, request, session
from cupola.exceptions import abort
from cupola.http.files import FileResponse
from cupola.http.response import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from cupola.middleware import Middleware
from cupola.navigation import redirect, url_for
from cupola.sessions import flash, get_flashed_messages
from cupola.templating import TemplateResponse, render
from cupola.views import View

__all__ = [
    "Blueprint",
    "Cupola",
    "FileResponse",
    "HTMLResponse",
    "JSONResponse",
    "Middleware",
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
    "StreamingResponse",
    "TemplateResponse",
    "View",
    "abort",
    "current_app",
    "flash",
    "g",
    "get_flashed_messages",
    "redirect",
    "render",
    "request",
    "session",
    "url_for",
]
