"""Serializers: Django REST framework's ``serializers`` module over SQLAlchemy models.

``from cupola.rest import serializers`` then ``serializers.ModelSerializer``,
``serializers.CharField``, ``serializers.ValidationError``… as in DRF. The parts live in
``base`` (the field machinery), ``fields``, ``choices``, ``temporal``, ``files`` and
``composite``
(the field classes),
``serializer`` (``Serializer``), ``lists`` (``ListSerializer``), ``model`` (``ModelSerializer``),
``relations`` and ``validators``.
"""

from __future__ import annotations

from cupola.rest.exceptions import ErrorDetail, ValidationError
from cupola.rest.serializers.base import Field, SkipField, empty
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
from cupola.rest.serializers.hyperlinks import HyperlinkedIdentityField, HyperlinkedRelatedField
from cupola.rest.serializers.lists import ListSerializer
from cupola.rest.serializers.model import ALL_FIELDS, HyperlinkedModelSerializer, ModelSerializer
from cupola.rest.serializers.relations import (
    ManyRelatedField,
    PrimaryKeyRelatedField,
    RelatedField,
    SlugRelatedField,
    StringRelatedField,
)
from cupola.rest.serializers.serializer import (
    LIST_SERIALIZER_KWARGS,
    BaseSerializer,
    ReturnDict,
    ReturnList,
    Serializer,
    as_serializer_error,
)
from cupola.rest.serializers.temporal import DateField, DateTimeField, DurationField, TimeField

__all__ = [
    "ALL_FIELDS",
    "LIST_SERIALIZER_KWARGS",
    "BaseSerializer",
    "BooleanField",
    "CharField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DictField",
    "DurationField",
    "EmailField",
    "ErrorDetail",
    "Field",
    "FileField",
    "FloatField",
    "HiddenField",
    "HyperlinkedIdentityField",
    "HyperlinkedModelSerializer",
    "HyperlinkedRelatedField",
    "ImageField",
    "IntegerField",
    "JSONField",
    "ListField",
    "ListSerializer",
    "ManyRelatedField",
    "ModelSerializer",
    "MultipleChoiceField",
    "PrimaryKeyRelatedField",
    "ReadOnlyField",
    "RegexField",
    "RelatedField",
    "ReturnDict",
    "ReturnList",
    "Serializer",
    "SerializerMethodField",
    "SkipField",
    "SlugField",
    "SlugRelatedField",
    "StringRelatedField",
    "TimeField",
    "URLField",
    "UUIDField",
    "ValidationError",
    "as_serializer_error",
    "empty",
]
