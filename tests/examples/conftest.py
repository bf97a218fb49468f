"""Fixtures for the ``test_docs_<page>.py`` files: load a docs example and drive its app.

Each test marks the example it exercises with ``@pytest.mark.example("page/file.py")``;
``test_docs_examples.py`` checks that every example file is exercised somewhere. The
``test_showcase*.py`` files each run the showcase on a database of their own
(``showcase_database``).
"""

from __future__ import annotations

import importlib.util
import itertools
import re
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
