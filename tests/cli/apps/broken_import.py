"""A module whose own import fails: a missing dependency."""

from __future__ import annotations

import cupola_missing_dependency  # noqa: F401
