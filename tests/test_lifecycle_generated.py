"""The sync runner is generated from the async one: the committed module must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _unasync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync", ROOT / "scripts" / "unasync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_sync_runner_is_current() -> None:
    unasync = _unasync()
    expected = unasync.transform(unasync.SOURCE.read_text(encoding="utf-8"))
    assert unasync.TARGET.read_text(encoding="utf-8") == expected, (
        "src/cupola/lifecycle_sync.py is stale: run python scripts/unasync.py"
    )


def test_the_transform_strips_awaits_and_applies_the_markers() -> None:
    source = '''"""Docstring."""

from types import CoroutineType  # unasync: drop


class AsyncLifecycle:
    async def run_async(self, hook):
        # unasync: return hook()
        return await hook()  # unasync: drop

    async def _step_async(self):
        await self._other_async()
'''
    generated = _unasync().transform(source)
    assert "CoroutineType" not in generated
    assert "class SyncLifecycle:" in generated
    assert "    def run_sync(self, hook):\n        return hook()\n" in generated
    assert "    def _step_sync(self):\n        self._other_sync()\n" in generated
    assert "async" not in generated.partition('"""\n\n')[2]
    assert "await" not in generated
