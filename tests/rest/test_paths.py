"""DRF's module paths: ``cupola.rest.fields``, ``relations`` and ``validators``."""

from __future__ import annotations

from cupola.rest import fields, relations, serializers, validators


def test_drf_paths_name_the_same_classes() -> None:
    for module in (fields, relations, validators):
        for name in module.__all__:
            assert getattr(module, name) is not None
    assert fields.CharField is serializers.CharField
    assert fields.DateTimeField is serializers.DateTimeField
    assert fields.empty is serializers.empty
    assert fields.ISO_8601 == "iso-8601"
    assert relations.PrimaryKeyRelatedField is serializers.PrimaryKeyRelatedField
    assert validators.UniqueValidator.__module__ == "cupola.rest.serializers.validators"
    assert set(serializers.__all__) >= {
        "Serializer",
        "ModelSerializer",
        "ListSerializer",
        "ValidationError",
        "SerializerMethodField",
        "PrimaryKeyRelatedField",
        "empty",
        "SkipField",
    }
