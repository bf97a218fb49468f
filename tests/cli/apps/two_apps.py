"""Two apps: discovery must be told which one."""

from __future__ import annotations

from cupola import Cupola

web = Cupola(__name__)
admin = Cupola(__name__)
