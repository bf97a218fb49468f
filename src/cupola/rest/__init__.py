"""REST toolkit: API views, serializers, routers and policies with REST framework's names.

Each part is a submodule named after what it holds (``views``, ``serializers``, ``routers``,
``permissions``, …); ``from cupola.rest import serializers, viewsets`` imports them. Nothing
is imported or registered when this package is imported.
"""

from __future__ import annotations

__all__: list[str] = []
