"""Channel layers: how consumers, groups and ``broadcast`` reach each other.

``CHANNEL_LAYER`` picks the backend: ``"memory://"`` (the default, one process) or a Redis
URL such as ``"redis://127.0.0.1:6379/0"`` (every process that shares the Redis), or a
:class:`ChannelLayer` instance. :func:`get_channel_layer` returns the app's layer, created
once per app from its config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cupola.channels.layers.base import ChannelLayer
from cupola.channels.layers.memory import InMemoryChannelLayer
from cupola.context import get_app_context
from cupola.exceptions import ImproperlyConfigured
from cupola.outages import fails_open

if TYPE_CHECKING:
    from cupola.types import Application

__all__ = ["ChannelLayer", "InMemoryChannelLayer", "get_channel_layer", "layer_from_config"]

_EXTENSION = "cupola.channels.layer"


def layer_from_config(config: dict[str, Any]) -> ChannelLayer:
    """Create the layer that ``config["CHANNEL_LAYER"]`` names.

    Args:
        config: An app's config; ``CHANNEL_CAPACITY``, ``CHANNEL_EXPIRY``,
            ``CHANNEL_GROUP_EXPIRY`` and ``CHANNEL_PREFIX`` tune the layer.

    Raises:
        ImproperlyConfigured: For a setting that is no layer URL or instance.
    """
    setting = config.get("CHANNEL_LAYER", "memory://")
    if isinstance(setting, ChannelLayer):
        return setting
    options = {
        "capacity": config.get("CHANNEL_CAPACITY", 100),
        "expiry": config.get("CHANNEL_EXPIRY", 60),
        "group_expiry": config.get("CHANNEL_GROUP_EXPIRY", 86400),
    }
    scheme = urlsplit(setting).scheme if isinstance(setting, str) else ""
    if scheme == "memory":
        return InMemoryChannelLayer(**options)
    if scheme in ("redis", "rediss", "unix"):
        try:
            from cupola.channels.layers.redis import RedisChannelLayer
        except ImportError:  # pragma: no cover  # redis-py is installed wherever tests run
            raise ImproperlyConfigured(
                "A Redis channel layer needs redis-py: pip install 'cupola[redis]'."
            ) from None

        prefix = config.get("CHANNEL_PREFIX", "cupola:channels:")
        fail_open = fails_open(config, "channels")
        return RedisChannelLayer(setting, prefix=prefix, fail_open=fail_open, **options)
    raise ImproperlyConfigured(
        f"CHANNEL_LAYER = {setting!r} is not a channel layer: use 'memory://', a Redis URL "
        "such as 'redis://127.0.0.1:6379/0', or a ChannelLayer instance."
    )


def get_channel_layer(app: Application | str | None = None) -> ChannelLayer:
    """Return the channel layer of ``app`` (``current_app`` when omitted).

    The layer is created on first use and kept in ``app.extensions``; it is created anew
    when ``CHANNEL_LAYER`` changes, and closed when the server shuts down. As in Channels,
    ``get_channel_layer()`` and ``get_channel_layer("default")`` are the current app's.

    Raises:
        RuntimeError: When ``app`` is omitted outside an application context.
        ImproperlyConfigured: For an invalid ``CHANNEL_LAYER``, or an alias other than
            ``"default"`` (an app has one layer).
    """
    if isinstance(app, str):
        if app != "default":
            raise ImproperlyConfigured(
                f"Channel layer alias {app!r}: a Cupola app has one layer, 'default' "
                "(set CHANNEL_LAYER)."
            )
        app = None
    if app is None:
        app = get_app_context().app
    setting = app.config.get("CHANNEL_LAYER", "memory://")
    cached = app.extensions.get(_EXTENSION)
    if cached is not None and cached[0] == setting:
        layer: ChannelLayer = cached[1]
        return layer
    layer = layer_from_config(app.config)
    if cached is None:
        app.on_shutdown(lambda: _close(app))
    app.extensions[_EXTENSION] = (setting, layer)
    return layer


async def _close(app: Application) -> None:
    cached = app.extensions.get(_EXTENSION)
    if cached is not None:
        await cached[1].close()
