"""Relational fields at DRF's import path: ``from cupola.rest.relations import …``.

The classes live in ``cupola.rest.serializers.relations``; this module names them where
``rest_framework.relations`` does, so DRF code ports by its imports.
"""

from __future__ import annotations

from cupola.rest.serializers.hyperlinks import HyperlinkedIdentityField, HyperlinkedRelatedField
from cupola.rest.serializers.relations import (
    MANY_RELATION_KWARGS,
    ManyRelatedField,
    PKOnlyObject,
    PrimaryKeyRelatedField,
    RelatedField,
    SlugRelatedField,
    StringRelatedField,
)

__all__ = [
    "MANY_RELATION_KWARGS",
    "HyperlinkedIdentityField",
    "HyperlinkedRelatedField",
    "ManyRelatedField",
    "PKOnlyObject",
    "PrimaryKeyRelatedField",
    "RelatedField",
    "SlugRelatedField",
    "StringRelatedField",
]
