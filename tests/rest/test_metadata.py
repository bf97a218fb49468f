"""OPTIONS metadata: the view's description and, for permitted writes, its serializer fields.

The serializer here follows the interface serializers provide (``fields`` mapping names to
field objects with ``read_only``, ``required``, ``label``…); only class names matter.
"""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import exceptions
from cupola.rest.metadata import BaseMetadata, SimpleMetadata
from cupola.rest.response import Response
from cupola.rest.views import APIView


class Field:
    def __init__(self, **attributes: Any) -> None:
        self.required = attributes.pop("required", True)
        self.read_only = attributes.pop("read_only", False)
        self.label = attributes.pop("label", None)
        self.help_text = attributes.pop("help_text", None)
        for name, value in attributes.items():
            setattr(self, name, value)


class CharField(Field):
    pass


class EmailField(CharField):
    pass


class IntegerField(Field):
    pass


class ChoiceField(Field):
    pass


class HiddenField(Field):
    pass


class RelatedField(Field):
    pass


class PrimaryKeyRelatedField(RelatedField):
    pass


class ListField(Field):
    pass


class CustomField(Field):
    pass


class Serializer(Field):
    pass


class BookSerializer(Serializer):
    def __init__(self) -> None:
        super().__init__()
        author = Serializer(required=False)
        author.fields = {"name": CharField(max_length=50)}
        self.fields = {
            "id": IntegerField(read_only=True, required=False, label="ID"),
            "title": CharField(max_length=200, label="Title", help_text=""),
            "contact": EmailField(required=False),
            "format": ChoiceField(choices={"pb": "Paperback", "hc": "Hardcover"}),
            "owner": HiddenField(),
            "shelf": PrimaryKeyRelatedField(choices={1: "One"}),
            "tags": ListField(child=CharField(), required=False),
            "author": author,
            "extra": CustomField(min_value=0),
        }


class ManyBooks:
    child = BookSerializer()


class Writers:
    """``X-Writer: yes`` may write; ``X-Missing: yes`` makes get_object fail."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method == "GET" or request.headers.get("X-Writer") == "yes"


class BookDetail(APIView):
    """One book."""

    permission_classes = [Writers]
    serializer_class: Any = BookSerializer

    def get_serializer(self) -> Any:
        return self.serializer_class()

    def get_object(self) -> Any:
        if self.request.headers.get("X-Missing"):
            raise exceptions.NotFound()
        return object()

    def get(self, request: Any) -> Response:
        return Response({})

    def put(self, request: Any) -> Response:
        return Response({})

    def post(self, request: Any) -> Response:
        return Response({})


@pytest.fixture
def app() -> Cupola:
    app = Cupola(__name__)
    app.config["REST"] = {"DEFAULT_AUTHENTICATION_CLASSES": []}
    app.add_url_rule("/book", view_func=BookDetail.as_view())
    app.add_url_rule("/many", view_func=BookDetail.as_view("many", serializer_class=ManyBooks))
    return app


EXPECTED_FIELDS = {
    "id": {"type": "integer", "required": False, "read_only": True, "label": "ID"},
    "title": {
        "type": "string",
        "required": True,
        "read_only": False,
        "label": "Title",
        "max_length": 200,
    },
    "contact": {"type": "email", "required": False, "read_only": False},
    "format": {
        "type": "choice",
        "required": True,
        "read_only": False,
        "choices": [
            {"value": "pb", "display_name": "Paperback"},
            {"value": "hc", "display_name": "Hardcover"},
        ],
    },
    "shelf": {"type": "field", "required": True, "read_only": False},
    "tags": {
        "type": "list",
        "required": False,
        "read_only": False,
        "child": {"type": "string", "required": True, "read_only": False},
    },
    "author": {
        "type": "nested object",
        "required": False,
        "read_only": False,
        "children": {
            "name": {"type": "string", "required": True, "read_only": False, "max_length": 50}
        },
    },
    "extra": {"type": "field", "required": True, "read_only": False, "min_value": 0},
}


def test_actions_for_a_writer(client: Any) -> None:
    response = client.options("/book", headers={"X-Writer": "yes"})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Book Detail"
    assert body["description"] == "One book."
    assert body["renders"] == ["application/json", "text/html"]
    assert body["parses"] == [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]
    assert body["actions"] == {"PUT": EXPECTED_FIELDS, "POST": EXPECTED_FIELDS}
    assert list(body["actions"]) == ["PUT", "POST"]


def test_no_actions_without_permission(client: Any) -> None:
    body = client.options("/book").json()
    assert "actions" not in body
    response = client.options("/book", headers={"X-Writer": "yes", "X-Missing": "yes"})
    assert list(response.json()["actions"]) == ["POST"]  # no object: no PUT


def test_list_serializer_describes_its_child(client: Any) -> None:
    body = client.options("/many", headers={"X-Writer": "yes"}).json()
    assert body["actions"]["POST"] == EXPECTED_FIELDS


def test_base_metadata_must_be_subclassed() -> None:
    with pytest.raises(NotImplementedError):
        BaseMetadata().determine_metadata(None, None)  # type: ignore[arg-type]
    assert SimpleMetadata().field_type(object()) == "field"
