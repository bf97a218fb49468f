"""The pytest plugin (cupola/testing/pytest_plugin.py): its ``client`` fixture, in process."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_the_client_fixture_serves_the_app_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        from cupola import Cupola


        @pytest.fixture
        def app():
            app = Cupola(__name__)
            seen = app.config["SEEN"] = []
            app.on_startup(lambda: seen.append("started"))
            app.get("/", endpoint="index")(lambda: {"hello": "plugin"})
            return app


        def test_index(client, app):
            assert client.get("/").json() == {"hello": "plugin"}
            assert app.config["SEEN"] == ["started"]  # used as a context manager
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1)
