"""REST settings: the current app's ``app.config["REST"]`` over the REST defaults.

``api_settings.PAGE_SIZE`` reads the setting for the app of the active context (outside any
context: the default). Values naming classes may be classes or dotted paths; paths are
imported once. An app's resolved settings are kept in ``app.extensions`` and rebuilt only
when its ``REST`` dict changes, so reading a setting costs a dict lookup, never an import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cupola.context import get_app_context, has_app_context
from cupola.exceptions import ImproperlyConfigured
from cupola.importing import import_string

if TYPE_CHECKING:
    from cupola.types import Application

DEFAULTS: dict[str, Any] = {
    # Base policies of every view without its own.
    "DEFAULT_RENDERER_CLASSES": [
        "cupola.rest.renderers.JSONRenderer",
        "cupola.rest.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "cupola.rest.parsers.JSONParser",
        "cupola.rest.parsers.FormParser",
        "cupola.rest.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cupola.rest.authentication.SessionAuthentication",
        "cupola.rest.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cupola.rest.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cupola.rest.negotiation.DefaultContentNegotiation",
    "DEFAULT_METADATA_CLASS": "cupola.rest.metadata.SimpleMetadata",
    "DEFAULT_VERSIONING_CLASS": None,
    # Generic views.
    "DEFAULT_PAGINATION_CLASS": None,
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": None,
    # Throttling.
    "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None},
    "NUM_PROXIES": None,
    # Pagination and filtering.
    "PAGE_SIZE": None,
    "SEARCH_PARAM": "search",
    "ORDERING_PARAM": "ordering",
    # Versioning.
    "DEFAULT_VERSION": None,
    "ALLOWED_VERSIONS": None,
    "VERSION_PARAM": "version",
    # Authentication.
    "UNAUTHENTICATED_USER": "cupola.auth.models.AnonymousUser",
    "UNAUTHENTICATED_TOKEN": None,
    # View names and descriptions (browsable API, OPTIONS).
    "VIEW_NAME_FUNCTION": "cupola.rest.views.get_view_name",
    "VIEW_DESCRIPTION_FUNCTION": "cupola.rest.views.get_view_description",
    # Exceptions.
    "EXCEPTION_HANDLER": "cupola.rest.views.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "LIST_SERIALIZER_ERRORS_AS_DICT": True,
    # Content negotiation.
    "URL_FORMAT_OVERRIDE": "format",
    "FORMAT_SUFFIX_KWARG": "format",
    "URL_FIELD_NAME": "url",
    # Input and output formats ("iso-8601" or a strftime format).
    "DATE_FORMAT": "iso-8601",
    "DATE_INPUT_FORMATS": ["iso-8601"],
    "DATETIME_FORMAT": "iso-8601",
    "DATETIME_INPUT_FORMATS": ["iso-8601"],
    "TIME_FORMAT": "iso-8601",
    "TIME_INPUT_FORMATS": ["iso-8601"],
    "DURATION_FORMAT": "django",
    # Encoding.
    "UNICODE_JSON": True,
    "COMPACT_JSON": True,
    "STRICT_JSON": True,
    "COERCE_DECIMAL_TO_STRING": True,
    "COERCE_BIGINT_TO_STRING": False,
    "UPLOADED_FILES_USE_URL": True,
    # Browsable API.
    "HTML_SELECT_CUTOFF": 1000,
    "HTML_SELECT_CUTOFF_TEXT": "More than {count} items...",
    # Schema generation.
    "SCHEMA_COERCE_PATH_PK": True,
    "SCHEMA_COERCE_METHOD_NAMES": {"retrieve": "read", "destroy": "delete"},
}
"""Every setting with its default; ``app.config["REST"]`` overrides any of them."""

IMPORT_STRINGS = frozenset(
    {
        "DEFAULT_RENDERER_CLASSES",
        "DEFAULT_PARSER_CLASSES",
        "DEFAULT_AUTHENTICATION_CLASSES",
        "DEFAULT_PERMISSION_CLASSES",
        "DEFAULT_THROTTLE_CLASSES",
        "DEFAULT_CONTENT_NEGOTIATION_CLASS",
        "DEFAULT_METADATA_CLASS",
        "DEFAULT_VERSIONING_CLASS",
        "DEFAULT_PAGINATION_CLASS",
        "DEFAULT_FILTER_BACKENDS",
        "DEFAULT_SCHEMA_CLASS",
        "EXCEPTION_HANDLER",
        "UNAUTHENTICATED_USER",
        "UNAUTHENTICATED_TOKEN",
        "VIEW_NAME_FUNCTION",
        "VIEW_DESCRIPTION_FUNCTION",
    }
)
"""Settings whose values may be dotted paths (or lists of them)."""

_EXTENSION = "cupola.rest.settings"


def _import(value: Any, name: str) -> Any:
    if isinstance(value, str):
        try:
            return import_string(value)
        except ImproperlyConfigured as exc:
            raise ImproperlyConfigured(f'REST setting "{name}": {exc}') from None
    if isinstance(value, list | tuple):
        return [_import(item, name) for item in value]
    return value


class ResolvedSettings:
    """The settings of one app (or the defaults), resolved on first read and kept.

    Args:
        user_settings: The app's ``REST`` dict (empty for the defaults).
    """

    __slots__ = ("_resolved", "source", "user_settings")

    def __init__(self, user_settings: Mapping[str, Any] | None) -> None:
        if not isinstance(user_settings, Mapping | None):
            raise ImproperlyConfigured(
                f'app.config["REST"] must be a dict of REST settings, not {user_settings!r}.'
            )
        self.source = user_settings
        self.user_settings: dict[str, Any] = dict(user_settings or {})
        self._resolved: dict[str, Any] = {}

    def current(self, user_settings: Any) -> bool:
        """Whether these settings still reflect ``user_settings`` (the app's ``REST``)."""
        return user_settings is self.source and (
            user_settings is None or user_settings == self.user_settings
        )

    def get(self, name: str) -> Any:
        """The value of setting ``name``, with dotted paths imported.

        Raises:
            AttributeError: For a name that is not a REST setting.
            ImproperlyConfigured: For a dotted path that does not import.
        """
        try:
            return self._resolved[name]
        except KeyError:
            pass
        if name in self.user_settings:
            value = self.user_settings[name]
        elif name in DEFAULTS:
            value = DEFAULTS[name]
        else:
            raise AttributeError(f"Invalid REST setting: {name!r}")
        if name in IMPORT_STRINGS:
            value = _import(value, name)
        self._resolved[name] = value
        return value


_DEFAULT_SETTINGS = ResolvedSettings(None)


def settings_for(app: Application | None) -> ResolvedSettings:
    """The resolved settings of ``app``, or the defaults for ``None``.

    Kept in ``app.extensions`` and rebuilt when ``app.config["REST"]`` changes.
    """
    if app is None:
        return _DEFAULT_SETTINGS
    user_settings = app.config.get("REST")
    resolved: ResolvedSettings | None = app.extensions.get(_EXTENSION)
    if resolved is None or not resolved.current(user_settings):
        resolved = ResolvedSettings(user_settings)
        app.extensions[_EXTENSION] = resolved
    return resolved


def current_settings() -> ResolvedSettings:
    """The resolved settings of the active app, or the defaults outside any context."""
    return settings_for(get_app_context().app if has_app_context() else None)


class SettingDefault:
    """A class attribute whose default is a REST setting of the current app.

    Reads the settings the view resolved for its request (``view._settings``), else the
    active app's, so nothing is read when the class is defined; a subclass assigning the
    attribute replaces it.

    Args:
        setting: The setting's name.

    Example:
        >>> class Listing:
        ...     pagination_class = SettingDefault("DEFAULT_PAGINATION_CLASS")
        >>> Listing.pagination_class is None  # outside an app: the default
        True
    """

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        settings = instance.__dict__.get("_settings") if instance is not None else None
        resolved = settings or current_settings()
        # PERF: a value already resolved is read without the call to get().
        try:
            return resolved._resolved[self.setting]
        except KeyError:
            return resolved.get(self.setting)


class APISettings:
    """Attribute access to the current app's REST settings.

    Example:
        >>> api_settings.PAGE_SIZE is None  # outside an app: the default
        True
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return current_settings().get(name)

    @property
    def user_settings(self) -> dict[str, Any]:
        """The current app's ``REST`` dict as given (empty outside an app)."""
        return current_settings().user_settings

    @property
    def defaults(self) -> dict[str, Any]:
        """The default of every setting."""
        return DEFAULTS


api_settings = APISettings()
"""The current app's REST settings: ``api_settings.PAGE_SIZE``."""

__all__ = [
    "DEFAULTS",
    "IMPORT_STRINGS",
    "APISettings",
    "ResolvedSettings",
    "SettingDefault",
    "api_settings",
]
