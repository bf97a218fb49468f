"""The browsable API: REST responses as HTML pages with forms, for browsers.

``BrowsableAPIRenderer`` is also ``cupola.rest.renderers.BrowsableAPIRenderer``, the name
``DEFAULT_RENDERER_CLASSES`` lists.
"""

from __future__ import annotations

# NOTE: renderers first: it imports this package's renderer once its own classes exist.
import cupola.rest.renderers  # noqa: F401  # isort: skip
from cupola.rest.browsable.forms import (
    CONTENT_OVERRIDE,
    CONTENT_TYPE_OVERRIDE,
    METHOD_OVERRIDE,
    FormField,
    apply_form_overrides,
    form_fields,
    show_form_for_method,
)
from cupola.rest.browsable.renderer import BrowsableAPIRenderer

__all__ = [
    "CONTENT_OVERRIDE",
    "CONTENT_TYPE_OVERRIDE",
    "METHOD_OVERRIDE",
    "BrowsableAPIRenderer",
    "FormField",
    "apply_form_overrides",
    "form_fields",
    "show_form_for_method",
]
