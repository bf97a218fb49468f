"""The public names of ``cupola``: pinned, so that adding or removing one is deliberate."""

from __future__ import annotations

import types

import cupola

EXPORTED = {
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
}


def test_all_is_pinned() -> None:
    assert set(cupola.__all__) == EXPORTED
    assert len(cupola.__all__) == len(EXPORTED)  # no duplicates
    assert cupola.__all__ == sorted(cupola.__all__)


def test_every_exported_name_exists() -> None:
    for name in cupola.__all__:
        assert getattr(cupola, name) is not None, name


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from cupola import *", namespace)
    assert set(namespace) - {"__builtins__"} == EXPORTED


def test_no_other_public_names_besides_submodules() -> None:
    public = {
        name
        for name, value in vars(cupola).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"  # left by `from __future__ import annotations`
    }
    assert public == EXPORTED


def test_exported_objects_come_from_cupola() -> None:
    for name in cupola.__all__:
        value = getattr(cupola, name)
        module = getattr(value, "__module__", None) or type(value).__module__
        assert module.startswith("cupola."), (name, module)
