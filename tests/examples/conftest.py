"""Fixtures for the ``test_docs_<page>.py`` files: load a docs example and drive its app.

Each test marks the example it exercises with ``@pytest.mark.example("page/file.py")``;
``test_docs_examples.py`` checks that every example file is exercised somewhere. The
``test_showcase*.py`` files each run the showcase on a database of their own
(``showcase_database``).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
_counter = itertools.count()


def load_example(relative: str) -> ModuleType:
    """Import ``docs/examples/<relative>`` under a fresh, unique module name."""
    path = EXAMPLES / relative
    slug = re.sub(r"\W", "_", relative)
    name = f"docs_page_example_{slug}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Cupola(__name__) finds its folders through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def example(request: pytest.FixtureRequest, protocol: str) -> Iterator[Any]:
    """The test's marked example, loaded afresh, with ``.client`` over the test's protocol."""
    marker = request.node.get_closest_marker("example")
    assert marker is not None, "mark the test with @pytest.mark.example('page/file.py')"
    module = load_example(marker.args[0])
    with module.app.test_client(protocol) as client:
        module.client = client
        yield module


@pytest.fixture(scope="module")
def showcase_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A fresh showcase database file for the module, migrated and seeded as on a first run.

    Passwords are hashed at a cheap scrypt cost, to keep logins fast.
    """
    from examples.showcase.app import app
    from examples.showcase.books import prepare_database
    from examples.showcase.models import db

    path = tmp_path_factory.mktemp("showcase") / "showcase.db"
    saved = {key: app.config[key] for key in ("DATABASE_URL", "PASSWORD_HASH_PARAMS")}
    app.config.update(
        DATABASE_URL=f"sqlite:///{path}", PASSWORD_HASH_PARAMS={"n": 2**8, "r": 8, "p": 1}
    )
    with app.app_context():
        prepare_database()
    yield
    with app.app_context():
        db.dispose()
    app.config.update(saved)


# -- examples written for another framework ----------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
IMPORT_LINE = re.compile(r"\s*(from \S+ import |import )")


def switch_imports(source: Path, target: Path, lines: dict[str, str]) -> int:
    """Copy the example ``source`` to ``target``, replacing whole import lines by ``lines``.

    Returns the number of lines replaced. Only import lines may be given, so the copy
    differs from the original by import lines and nothing else.
    """
    assert all(IMPORT_LINE.match(old) and IMPORT_LINE.match(new) for old, new in lines.items())
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "instance"))
    replaced = 0
    for path in target.rglob("*.py"):
        original = path.read_text().splitlines(keepends=True)
        switched = [lines.get(line.rstrip("\n"), line.rstrip("\n")) + "\n" for line in original]
        replaced += sum(a != b for a, b in zip(original, switched, strict=True))
        path.write_text("".join(switched))
    return replaced


def run_pytest(folder: Path, *args: str, cupola: bool) -> subprocess.CompletedProcess[str]:
    """Run an example's own test suite in a fresh interpreter (its own pytest settings)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") if cupola else ""}
    plugins = [] if cupola else ["-p", "no:cupola"]  # the Flask run never imports Cupola
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugins, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
