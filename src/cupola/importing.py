"""Resolve dotted import strings, accepted only at the configuration boundary."""

from __future__ import annotations

import importlib
from typing import Any

from cupola.exceptions import ImproperlyConfigured


def import_string(path: str) -> Any:
    """Import ``"package.module:attr"``, ``"package.module.attr"`` or a module itself.

    Raises:
        ImproperlyConfigured: When the module or attribute does not exist.
    """
    module_name, sep, attr = path.partition(":")
    if not sep:
        # A module path ("settings", "pkg.settings") is the module, as in Werkzeug.
        try:
            return importlib.import_module(path)
        except ImportError as exc:
            missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
            if missing is None or not (path == missing or path.startswith(missing + ".")):
                raise ImproperlyConfigured(f"Cannot import {path!r}: {exc}") from exc
        module_name, _, attr = path.rpartition(".")
    if not module_name or not attr:
        raise ImproperlyConfigured(f"{path!r} is not a dotted path like 'package.module:Name'.")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImproperlyConfigured(f"Cannot import {module_name!r} (from {path!r}): {exc}") from exc
    try:
        obj = module
        for part in attr.split("."):
            obj = getattr(obj, part)
    except AttributeError:
        raise ImproperlyConfigured(f"Module {module_name!r} has no attribute {attr!r}.") from None
    return obj
