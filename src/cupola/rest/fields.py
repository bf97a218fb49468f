"""Serializer fields at DRF's import path: ``from cupola.rest.fields import CharField``.

The classes live in ``cupola.rest.serializers`` (``base``, ``fields``, ``temporal``, …); this
module names them where ``rest_framework.fields`` does, so DRF code ports by its imports.
"""

from __future__ import annotations

from cupola.rest.serializers.base import Field, SkipField, empty, get_attribute
from cupola.rest.serializers.choices import ChoiceField, MultipleChoiceField
from cupola.rest.serializers.composite import (
    DictField,
    HiddenField,
    JSONField,
    ListField,
    ReadOnlyField,
    SerializerMethodField,
)
from cupola.rest.serializers.fields import (
    BooleanField,
    CharField,
    DecimalField,
    EmailField,
    FloatField,
    IntegerField,
    RegexField,
    SlugField,
    URLField,
    UUIDField,
)
from cupola.rest.serializers.files import FileField, ImageField
from cupola.rest.serializers.temporal import (
    ISO_8601,
    DateField,
    DateTimeField,
    DurationField,
    TimeField,
)

__all__ = [
    "ISO_8601",
    "BooleanField",
    "CharField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DictField",
    "DurationField",
    "EmailField",
    "Field",
    "FileField",
    "FloatField",
    "HiddenField",
    "ImageField",
    "IntegerField",
    "JSONField",
    "ListField",
    "MultipleChoiceField",
    "ReadOnlyField",
    "RegexField",
    "SerializerMethodField",
    "SkipField",
    "SlugField",
    "TimeField",
    "URLField",
    "UUIDField",
    "empty",
    "get_attribute",
]
