"""get_channel_layer: the app's layer from CHANNEL_LAYER, created once and closed on shutdown."""

from __future__ import annotations

import pytest

from cupola import Cupola
from cupola.channels import ChannelLayer, InMemoryChannelLayer, get_channel_layer
from cupola.exceptions import ImproperlyConfigured


def test_default_is_one_in_memory_layer_per_app() -> None:
    app, other = Cupola(__name__), Cupola(__name__)
    layer = get_channel_layer(app)
    assert isinstance(layer, InMemoryChannelLayer)
    assert get_channel_layer(app) is layer
    assert get_channel_layer(other) is not layer


def test_current_app_is_used_when_no_app_is_given() -> None:
    app = Cupola(__name__)
    with app.app_context():
        assert get_channel_layer() is get_channel_layer(app)


def test_default_alias_names_the_current_apps_layer() -> None:
    app = Cupola(__name__)
    with app.app_context():
        assert get_channel_layer("default") is get_channel_layer(app)  # Channels' spelling


def test_outside_an_app_context() -> None:
    with pytest.raises(RuntimeError, match="outside of application context"):
        get_channel_layer()


def test_options_come_from_config() -> None:
    app = Cupola(
        __name__,
        config={"CHANNEL_CAPACITY": 7, "CHANNEL_EXPIRY": 5, "CHANNEL_GROUP_EXPIRY": 30},
    )
    layer = get_channel_layer(app)
    assert isinstance(layer, InMemoryChannelLayer)
    assert (layer.capacity, layer.expiry, layer.group_expiry) == (7, 5, 30)


def test_an_instance_is_used_as_is() -> None:
    mine = InMemoryChannelLayer(capacity=3)
    assert get_channel_layer(Cupola(__name__, config={"CHANNEL_LAYER": mine})) is mine


def test_changing_the_setting_creates_a_new_layer() -> None:
    app = Cupola(__name__)
    first = get_channel_layer(app)
    mine = InMemoryChannelLayer()
    app.config["CHANNEL_LAYER"] = mine
    assert get_channel_layer(app) is mine is not first


@pytest.mark.parametrize("setting", ["memcached://localhost", "redis", "", 42, None])
def test_invalid_setting(setting: object) -> None:
    app = Cupola(__name__, config={"CHANNEL_LAYER": setting})
    with pytest.raises(ImproperlyConfigured, match="is not a channel layer"):
        get_channel_layer(app)


def test_the_layer_is_closed_at_shutdown() -> None:
    closed: list[bool] = []

    class Recording(InMemoryChannelLayer):
        async def close(self) -> None:
            closed.append(True)

    app = Cupola(__name__, config={"CHANNEL_LAYER": Recording()})
    layer: ChannelLayer = get_channel_layer(app)
    assert isinstance(layer, Recording)
    with app.test_client("asgi"):
        pass
    assert closed == [True]
