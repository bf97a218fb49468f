"""What a plain ``pip install cupola`` brings: enough to serve WebSockets in dev and prod."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0] for requirement in requirements}


def test_core_dependencies_serve_websockets_on_every_bundled_server() -> None:
    core = names(PYPROJECT["project"]["dependencies"])
    assert {"uvicorn", "websockets", "granian"} <= core  # cupola run and cupola serve
    assert "gunicorn" not in core  # optional: cupola[gunicorn]
    assert not core & {"pytest", "hypothesis", "ruff", "mypy", "playwright", "codespell"}


def test_every_core_dependency_is_explained_in_the_design_page() -> None:
    design = (Path(__file__).parents[1] / "docs" / "design.md").read_text()
    section = design.split("## Dependencies", 1)[1]
    for name in names(PYPROJECT["project"]["dependencies"]):
        assert f"| `{name}` |" in section, name


def test_gunicorn_has_its_own_extra() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert names(extras["gunicorn"]) == {"gunicorn"}
    assert "gunicorn" in extras["all"][0]
