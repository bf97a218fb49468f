import pytest

from cupola import Cupola

app = Cupola(__name__)


@app.post("/sum")
async def total(request):
    return {"sum": sum(request.json)}


@app.get("/items/<int:item_id>")
def item(item_id):
    return {"id": item_id}


@pytest.fixture(params=["wsgi", "asgi"])
def client(request):
    with app.test_client(request.param) as client:
        yield client


def test_async_view(client):
    assert client.post("/sum", json=[1, 2, 3]).json() == {"sum": 6}


def test_sync_view(client):
    assert client.get("/items/7").json() == {"id": 7}
    assert client.get("/items/seven").status_code == 404
