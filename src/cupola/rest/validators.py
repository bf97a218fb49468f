"""Validators at DRF's import path: ``from cupola.rest.validators import UniqueValidator``.

The classes live in ``cupola.rest.serializers.validators``; this module names them where
``rest_framework.validators`` does, so DRF code ports by its imports.
"""

from __future__ import annotations

from cupola.rest.serializers.validators import (
    EmailValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
    RegexValidator,
    UniqueTogetherValidator,
    UniqueValidator,
    URLValidator,
)

__all__ = [
    "EmailValidator",
    "MaxLengthValidator",
    "MaxValueValidator",
    "MinLengthValidator",
    "MinValueValidator",
    "ProhibitNullCharactersValidator",
    "ProhibitSurrogateCharactersValidator",
    "RegexValidator",
    "URLValidator",
    "UniqueTogetherValidator",
    "UniqueValidator",
]
