"""File fields: uploads from ``request.files`` in, the stored name or URL out."""

from __future__ import annotations

import importlib.util
import io
import sys
import types
from typing import Any

import pytest

from cupola import Cupola
from cupola.exceptions import ImproperlyConfigured
from cupola.http.forms import UploadFile
from cupola.rest import serializers


class Stored:
    def __init__(self, name: str, url: str | None = None) -> None:
        self.name = name
        if url is not None:
            self.url = url


def upload(content: bytes, filename: str = "notes.txt") -> UploadFile:
    return UploadFile("file", io.BytesIO(content), raw_filename=filename, content_type="text/plain")


def test_uploads_are_checked() -> None:
    class S(serializers.Serializer):
        file = serializers.FileField(max_length=10)

    good = S(data={"file": upload(b"hello")})
    assert good.is_valid(), good.errors
    assert good.validated_data["file"].read() == b"hello"
    for value, message in (
        ("text", "The submitted data was not a file. Check the encoding type on the form."),
        (upload(b""), "The submitted file is empty."),
        (
            upload(b"x", "a-very-long.txt"),
            "Ensure this filename has at most 10 characters (it has 15).",
        ),
    ):
        bad = S(data={"file": value})
        assert not bad.is_valid()
        assert bad.errors == {"file": [message]}
    missing = S(data={})
    assert not missing.is_valid()
    assert missing.errors == {"file": ["No file was submitted."]}


def test_output_is_the_url_or_the_name() -> None:
    class S(serializers.Serializer):
        file = serializers.FileField()
        named = serializers.FileField(use_url=False, source="file")

    class Request:
        scheme, host = "https", "books.example"

    stored: dict[str, Any] = {"file": Stored("a.txt", "/media/a.txt")}
    assert S(stored).data == {"file": "/media/a.txt", "named": "a.txt"}
    assert S(stored, context={"request": Request()}).data["file"] == (
        "https://books.example/media/a.txt"
    )
    assert S({"file": Stored("b.txt")}).data["file"] is None
    app = Cupola(__name__, config={"REST": {"UPLOADED_FILES_USE_URL": False}})
    with app.app_context():
        assert S(stored).data["file"] == "a.txt"


@pytest.mark.skipif(
    importlib.util.find_spec("PIL") is not None, reason="Pillow is installed: ImageField works"
)
def test_image_field_names_its_dependency() -> None:
    with pytest.raises(ImproperlyConfigured, match="Pillow"):
        serializers.ImageField()


def test_image_field_checks_with_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeImage:
        def __init__(self, stream: Any) -> None:
            if stream.read(3) != b"GIF":
                raise OSError("cannot identify image file")

        def verify(self) -> None:
            return None

        def __enter__(self) -> FakeImage:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    pil = types.ModuleType("PIL")
    pil.Image = types.SimpleNamespace(open=FakeImage)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "PIL", pil)

    class S(serializers.Serializer):
        image = serializers.ImageField()

    good = S(data={"image": upload(b"GIF89a", "a.gif")})
    assert good.is_valid(), good.errors
    assert good.validated_data["image"].filename == "a.gif"
    bad = S(data={"image": upload(b"text", "a.gif")})
    assert not bad.is_valid()
    assert bad.errors == {
        "image": [
            "Upload a valid image. The file you uploaded was either not an image or a "
            "corrupted image."
        ]
    }
