"""The `wsgi.py` found when no spec is given."""

from __future__ import annotations

from cupola import Cupola

application = Cupola(__name__, config={"NAME": "wsgi.py"})
