"""One-hop sync/async helpers (cupola/concurrency.py)."""

from __future__ import annotations

import asyncio

import pytest

from cupola.concurrency import run_coroutine


def test_run_coroutine_refuses_a_running_loop() -> None:
    async def inner() -> int:
        return 1

    async def outer() -> None:
        coro = inner()
        with pytest.raises(RuntimeError, match="inside a running event loop"):
            run_coroutine(coro)

    asyncio.run(outer())


def test_run_coroutine_runs_on_the_thread_loop() -> None:
    async def answer() -> int:
        return 42

    assert run_coroutine(answer()) == 42
