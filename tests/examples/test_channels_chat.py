"""The Channels-idiom example runs its own test suite on Channels, then on Cupola.

``examples/channels_chat`` holds consumers written as a Channels user writes them (a sync
one with ``async_to_sync``, an async one, a JSON one with ``groups``) and tests driving
them with Channels' ``WebsocketCommunicator``, with ``filterwarnings = ["error"]``. The
suite runs on Channels' router, then on a copy whose import lines, and nothing else, are
switched: the consumers to ``cupola.channels.generic.websocket``, the tests to the
Cupola app that routes the same consumers.
"""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import IMPORT_LINE, ROOT, run_pytest, switch_imports

EXAMPLE = ROOT / "examples" / "channels_chat"
SWITCH = {
    "from channels.generic.websocket import (": "from cupola.channels.generic.websocket import (",
    "from chat.asgi import application": "from chat.cupola_app import application",
}
TESTS = 8


def test_the_suite_passes_on_channels() -> None:
    result = run_pytest(EXAMPLE, cupola=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{TESTS} passed" in result.stdout


def test_the_same_suite_passes_on_cupola(tmp_path: Path) -> None:
    target = tmp_path / "channels_chat"
    assert switch_imports(EXAMPLE, target, SWITCH) == 2
    consumers = (target / "chat" / "consumers.py").read_text().splitlines()
    # The consumers import nothing from Channels any more (asgiref stays: it is the user's).
    from_channels = re.compile(r"(from|import) channels\b")
    assert not [line for line in consumers if IMPORT_LINE.match(line) and from_channels.match(line)]
    result = run_pytest(target, cupola=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{TESTS} passed" in result.stdout
