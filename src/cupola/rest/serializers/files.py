"""Serializer fields for uploaded files: ``FileField`` and ``ImageField``.

Input is an upload from ``request.files`` (anything with a file name, a ``size`` and
``read()``); output is the stored file's URL or name, as DRF's
``UPLOADED_FILES_USE_URL`` setting chooses.
"""

from __future__ import annotations

from typing import Any, ClassVar

from cupola.exceptions import ImproperlyConfigured
from cupola.rest.serializers.base import Field
from cupola.rest.settings import api_settings

__all__ = ["FileField", "ImageField"]

# -- files --------------------------------------------------------------------------------


class FileField(Field):
    """An uploaded file (``request.files``); output is its URL or name.

    Args:
        max_length: The longest file name.
        allow_empty_file: Whether a file of zero bytes is valid.
        use_url: Output ``value.url`` (made absolute with the request) rather than the
            name (default: ``UPLOADED_FILES_USE_URL``).
        **kwargs: The ``Field`` options.
    """

    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "No file was submitted.",
        "invalid": "The submitted data was not a file. Check the encoding type on the form.",
        "no_name": "No filename could be determined.",
        "empty": "The submitted file is empty.",
        "max_length": "Ensure this filename has at most {max_length} characters (it has {length}).",
    }

    def __init__(self, **kwargs: Any) -> None:
        self.max_length: int | None = kwargs.pop("max_length", None)
        self.allow_empty_file: bool = kwargs.pop("allow_empty_file", False)
        self.use_url: bool | None = kwargs.pop("use_url", None)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        """The uploaded file, checked for a name and content.

        Raises:
            ValidationError: For input that is not a file, lacks a name or is empty.
        """
        # An upload's ``name`` is its form field's: only ``filename`` names the file.
        name = data.filename if hasattr(data, "filename") else getattr(data, "name", None)
        size = getattr(data, "size", None)
        if size is None or not hasattr(data, "read"):
            self.fail("invalid")
        if not name:
            self.fail("no_name")
        if not self.allow_empty_file and not size:
            self.fail("empty")
        if self.max_length is not None and len(str(name)) > self.max_length:
            self.fail("max_length", max_length=self.max_length, length=len(str(name)))
        return data

    def to_representation(self, value: Any) -> Any:
        """The file's URL (absolute when the context has the request) or its name."""
        if not value:
            return None
        use_url = self.use_url
        if use_url is None:
            use_url = api_settings.UPLOADED_FILES_USE_URL
        if not use_url:
            return getattr(value, "name", None)
        url = getattr(value, "url", None)
        if url is None:
            return None
        request = self.context.get("request")
        if request is not None:
            return f"{request.scheme}://{request.host}{url}" if url.startswith("/") else url
        return url


class ImageField(FileField):
    """An uploaded image: a file Pillow can open (Pillow must be installed)."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid_image": "Upload a valid image. The file you uploaded was either not an "
        "image or a corrupted image.",
    }

    def __init__(self, **kwargs: Any) -> None:
        try:
            from PIL import Image  # type: ignore[import-not-found] # optional, untyped here
        except ImportError:
            raise ImproperlyConfigured("ImageField needs Pillow: pip install Pillow.") from None
        self._image = Image
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        """The uploaded file, checked to be an image.

        Raises:
            ValidationError: "Upload a valid image. …"
        """
        upload = super().to_internal_value(data)
        stream = getattr(upload, "stream", upload)
        position = stream.tell()
        stream.seek(0)
        try:
            with self._image.open(stream) as image:
                image.verify()
        except Exception:
            self.fail("invalid_image")
        finally:
            stream.seek(position)
        return upload
