import pytest

from cupola import Cupola


def create_app(config=None):
    app = Cupola(__name__, config={"GREETING": "Hello", **(config or {})})

    @app.get("/")
    def index():
        return {"greeting": app.config["GREETING"]}

    return app


app = create_app()


@pytest.fixture(name="app")
def app_fixture():
    return create_app({"TESTING": True, "GREETING": "Hi"})


def test_index(client):
    assert client.get("/").json() == {"greeting": "Hi"}
