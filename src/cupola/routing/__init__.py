"""Routing: rules with typed variables, matched against paths and built back into URLs.

A :class:`Rule` pairs a pattern such as ``/items/<int:item_id>`` with an endpoint; a
:class:`Router` indexes rules, matches request paths to them and builds URLs. Converters
(:mod:`cupola.routing.converters`) give variables their types.
"""

from __future__ import annotations

from cupola.routing.converters import (
    DEFAULT_CONVERTERS,
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    LookupConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
    ValidationError,
)
from cupola.routing.router import Router
from cupola.routing.rules import Rule

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "FloatConverter",
    "IntegerConverter",
    "LookupConverter",
    "PathConverter",
    "Router",
    "Rule",
    "SlugConverter",
    "StringConverter",
    "UUIDConverter",
    "ValidationError",
]
