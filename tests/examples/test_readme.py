"""The README's example runs as shown, on both protocols."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

README = Path(__file__).parents[2] / "README.md"


def readme_example() -> ModuleType:
    match = re.search(r"## Example\n\n```python\n(.*?)```", README.read_text(), re.DOTALL)
    assert match is not None, "the README has an Example section with a python block"
    module = ModuleType("readme_example")
    exec(compile(match.group(1), str(README), "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("protocol", ["wsgi", "asgi"])
def test_readme_example(protocol: str) -> None:
    app = readme_example().app
    with app.test_client(protocol) as client:
        assert client.get("/items/7").json() == {"id": 7}
        assert client.post("/echo", json={"a": 1}).json() == {"got": {"a": 1}}
        assert client.get("/items/x").status_code == 404
