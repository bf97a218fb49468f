"""REST settings: the current app's REST dict over the defaults, resolved once per state."""

from __future__ import annotations

import pytest

from cupola import Cupola
from cupola.exceptions import ImproperlyConfigured
from cupola.rest.exceptions import NotFound
from cupola.rest.settings import DEFAULTS, api_settings, settings_for


def test_defaults_outside_an_app() -> None:
    assert api_settings.PAGE_SIZE is None
    assert api_settings.URL_FORMAT_OVERRIDE == "format"
    assert api_settings.defaults is DEFAULTS
    assert api_settings.user_settings == {}


def test_unknown_setting() -> None:
    with pytest.raises(AttributeError, match="Invalid REST setting: 'PAGE_SIZ'"):
        _ = api_settings.PAGE_SIZ


def test_app_settings_override_defaults() -> None:
    app = Cupola(__name__)
    app.config["REST"] = {"PAGE_SIZE": 20, "EXCEPTION_HANDLER": "cupola.rest.exceptions.NotFound"}
    with app.app_context():
        assert api_settings.PAGE_SIZE == 20
        assert api_settings.EXCEPTION_HANDLER is NotFound  # a dotted path, imported
        assert api_settings.SEARCH_PARAM == "search"
    assert api_settings.PAGE_SIZE is None


def test_resolved_once_per_config_state() -> None:
    app = Cupola(__name__)
    app.config["REST"] = {"DEFAULT_THROTTLE_CLASSES": ["cupola.rest.exceptions.NotFound"]}
    first = settings_for(app)
    assert first.get("DEFAULT_THROTTLE_CLASSES") == [NotFound]
    assert settings_for(app) is first  # unchanged config: the same resolved settings
    app.config["REST"]["PAGE_SIZE"] = 5  # changed in place: noticed
    second = settings_for(app)
    assert second is not first
    assert second.get("PAGE_SIZE") == 5
    app.config["REST"] = {"PAGE_SIZE": 7}
    assert settings_for(app).get("PAGE_SIZE") == 7


def test_bad_dotted_path_names_the_setting() -> None:
    app = Cupola(__name__)
    app.config["REST"] = {"DEFAULT_PARSER_CLASSES": ["cupola.rest.nowhere.Parser"]}
    with pytest.raises(ImproperlyConfigured, match='REST setting "DEFAULT_PARSER_CLASSES"'):
        settings_for(app).get("DEFAULT_PARSER_CLASSES")


def test_rest_config_must_be_a_dict() -> None:
    app = Cupola(__name__)
    app.config["REST"] = ["PAGE_SIZE"]
    with pytest.raises(ImproperlyConfigured, match="must be a dict"):
        settings_for(app)


def test_setting_default_reads_the_current_app() -> None:
    from cupola.rest.settings import SettingDefault

    class Listing:
        page_size = SettingDefault("PAGE_SIZE")

    class Fixed(Listing):
        page_size = 3

    app = Cupola(__name__)
    app.config["REST"] = {"PAGE_SIZE": 20}
    assert Listing.page_size is None  # nothing read at class definition
    with app.app_context():
        assert Listing().page_size == 20
        assert Fixed().page_size == 3
    listing = Listing()
    listing._settings = settings_for(app)  # type: ignore[attr-defined]  # as a view sets it
    assert listing.page_size == 20
