"""Fixtures for the ``test_docs_<page>.py`` files: load a docs example and drive its app.

Each test marks the example it exercises with ``@pytest.mark.example("page/file.py")``;
``test_docs_examples.py`` checks that every example file is exercised somewhere.
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
