"""The `app.py` found when no spec is given."""

from __future__ import annotations

from cupola import Cupola

app = Cupola(__name__, config={"NAME": "app.py"})
