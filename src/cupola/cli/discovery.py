"""Find the application a command works on.

An app spec names a module (``pkg.module``) or a file (``path/to/app.py``), optionally
followed by ``:name`` or a factory call with literal arguments (``:create_app("dev")``).
Without a spec, ``CUPOLA_APP`` is used, then ``app.py`` or ``wsgi.py`` in the current folder.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import sys
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

import click

from cupola.app import Cupola

__all__ = ["APP_ENV", "app_option", "load_app"]

#: The environment variable read when no ``--app`` is given.
APP_ENV = "CUPOLA_APP"

_DEFAULT_MODULES = ("app", "wsgi")
_FACTORY_NAMES = ("create_app", "make_app")
# Split on the first ':' that does not start a Windows path ("C:\\x", "C:/x").
_SPEC_SEPARATOR = re.compile(r":(?![\\/])")
_HINT = "use --app module:name"

F = TypeVar("F", bound=Callable[..., Any])


def app_option(f: F) -> F:
    """Add the ``--app SPEC`` option, passed to the command as ``app_spec``."""
    return click.option(
        "--app",
        "app_spec",
        metavar="SPEC",
        default=None,
        help=(
            "The app: 'module', 'module:name', 'module:create_app(args)' or "
            f"'path/to/file.py:name'. Defaults to ${APP_ENV}, then app.py or wsgi.py."
        ),
    )(f)


def load_app(spec: str | None = None) -> Cupola:
    """Import and return the app named by ``spec``, ``$CUPOLA_APP`` or the current folder.

    The current folder is put on ``sys.path`` first, so local modules import by name.

    Args:
        spec: ``module``, ``module:name``, ``module:factory(arg, kw=1)`` (literal arguments
            only) or ``path/to/file.py`` with any of these suffixes.

    Returns:
        The app; for a factory, the app it returned.

    Raises:
        click.UsageError: When the spec is malformed or names nothing importable.
        click.ClickException: When importing the module fails or the object is not a
            Cupola app.

    Example:
        >>> app = load_app("blog:create_app('dev')")  # doctest: +SKIP
    """
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    spec = spec or os.environ.get(APP_ENV) or None
    if spec is None:
        return _load_default(cwd)
    target, *rest = _SPEC_SEPARATOR.split(spec, maxsplit=1)
    target = target.strip()
    expression = rest[0].strip() if rest else ""
    if not target:
        raise click.UsageError(f"The app spec {spec!r} names no module; {_HINT}.")
    if _is_path(target):
        module = _import(_module_name(target))
        _check_origin(module, target)
    else:
        module = _import(target)
    if not expression:
        return _find_app(module)
    return _from_expression(module, expression)


def _load_default(cwd: str) -> Cupola:
    for name in _DEFAULT_MODULES:
        if os.path.isfile(os.path.join(cwd, f"{name}.py")):
            return _find_app(_import(name))
    raise click.UsageError(
        "Could not locate a Cupola app: pass --app module:name, set "
        f"{APP_ENV}, or run from a folder with app.py or wsgi.py."
    )


def _is_path(target: str) -> bool:
    return target.endswith(".py") or "/" in target or os.sep in target


def _module_name(path: str) -> str:
    """Put the folder holding ``path``'s top package on ``sys.path``; return its dotted name."""
    path = os.path.realpath(path)
    if not os.path.exists(path):
        raise click.UsageError(f"The app file {path!r} does not exist; check --app.")
    stem, extension = os.path.splitext(path)
    if extension == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)
    parts: list[str] = []
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break
    if path not in sys.path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def _check_origin(module: ModuleType, path: str) -> None:
    """Fail when the import found another module of the same name (``code.py``, ``test.py``)."""
    origin = getattr(module, "__file__", None)
    wanted = os.path.realpath(path)
    if origin is None or wanted not in (os.path.realpath(origin), os.path.dirname(origin)):
        raise click.UsageError(
            f"{path!r} imports as module {module.__name__!r}, but that name is taken by "
            f"{origin or 'a built-in module'}; rename the file."
        )


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only a missing module *named by the spec* is a usage error; a missing dependency
        # inside the user's module is their bug and keeps its traceback.
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            raise click.UsageError(
                f"Could not import module {name!r}: no such module on the path "
                f"(current folder: {os.getcwd()}); check --app."
            ) from None
        raise _import_failed(name) from exc
    except Exception as exc:
        raise _import_failed(name) from exc


def _import_failed(name: str) -> click.ClickException:
    return click.ClickException(
        f"While importing {name!r}, an exception was raised:\n\n{traceback.format_exc()}"
    )


def _find_app(module: ModuleType) -> Cupola:
    """The ``app`` attribute, the module's only app, or what its factory returns."""
    name = module.__name__
    app = getattr(module, "app", None)
    if isinstance(app, Cupola):
        return app
    found: dict[int, tuple[str, Cupola]] = {}
    for key, value in vars(module).items():
        if isinstance(value, Cupola):
            found.setdefault(id(value), (key, value))
    if len(found) == 1:
        return next(iter(found.values()))[1]
    if found:
        names = ", ".join(sorted(key for key, _ in found.values()))
        raise click.UsageError(
            f"Found several Cupola apps in module {name!r} ({names}); "
            f"pick one with --app {name}:name."
        )
    for factory_name in _FACTORY_NAMES:
        factory = getattr(module, factory_name, None)
        if callable(factory):
            return _call_factory(module, factory_name, factory, [], {})
    raise click.UsageError(f"Could not find a Cupola app in module {name!r}; {_HINT}.")


def _from_expression(module: ModuleType, expression: str) -> Cupola:
    """Resolve ``name`` or ``factory(literal, ...)`` inside ``module``."""
    where = f"{module.__name__}:{expression}"
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        raise click.UsageError(
            f"Could not parse {expression!r} in --app {where!r}; write a name or a call "
            "like create_app('dev')."
        ) from None
    if isinstance(node, ast.Name):
        obj = _attribute(module, node.id)
        if isinstance(obj, Cupola):
            return obj
        if inspect.isfunction(obj):
            return _call_factory(module, node.id, obj, [], {})
        return _check(obj, where)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args, kwargs = _literal_arguments(node, where)
        factory = _attribute(module, node.func.id)
        if not callable(factory):
            raise click.UsageError(f"{module.__name__}:{node.func.id} is not callable; {_HINT}.")
        return _call_factory(module, node.func.id, factory, args, kwargs)
    raise click.UsageError(
        f"{expression!r} in --app {where!r} is neither a name nor a factory call; "
        "write module:name or module:create_app(...)."
    )


def _attribute(module: ModuleType, name: str) -> Any:
    try:
        return getattr(module, name)
    except AttributeError:
        raise click.UsageError(
            f"Module {module.__name__!r} has no attribute {name!r}; check --app."
        ) from None


def _literal_arguments(call: ast.Call, where: str) -> tuple[list[Any], dict[str, Any]]:
    error = click.UsageError(
        f"The arguments in --app {where!r} must be literals (strings, numbers, "
        "True/False/None, lists, dicts), passed by position or as name=value."
    )
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        raise error
    kwargs: dict[str, Any] = {}
    try:
        args = [ast.literal_eval(arg) for arg in call.args]
        for keyword in call.keywords:
            if keyword.arg is None:  # **mapping
                raise error
            kwargs[keyword.arg] = ast.literal_eval(keyword.value)
    except (ValueError, TypeError, SyntaxError):
        raise error from None
    return args, kwargs


def _call_factory(
    module: ModuleType,
    name: str,
    factory: Callable[..., Any],
    args: list[Any],
    kwargs: dict[str, Any],
) -> Cupola:
    where = f"{module.__name__}:{name}"
    try:
        inspect.signature(factory).bind(*args, **kwargs)
    except TypeError as exc:
        raise click.UsageError(
            f"The factory {where!r} cannot be called with these arguments ({exc}); "
            f"pass them in --app, e.g. --app '{where}(\"value\")'."
        ) from None
    except ValueError:  # pragma: no cover - builtins without a signature; just call them
        pass
    return _check(factory(*args, **kwargs), f"{where}(...)")


def _check(obj: object, where: str) -> Cupola:
    if isinstance(obj, Cupola):
        return obj
    raise click.ClickException(
        f"{where!r} gave {type(obj).__name__} {obj!r:.60}, not a Cupola app; "
        "point --app at a Cupola instance or a factory returning one."
    )
