import pytest

from cupola import Cupola
from cupola.testing import WebSocketRejected
from cupola.websockets import WebSocketDisconnect

app = Cupola(__name__)


@app.websocket("/ws/echo")
async def echo(ws):
    await ws.accept()
    async for text in ws.iter_text():
        if text == "bye":
            await ws.close(4000)
            return
        await ws.send_text(text)


@pytest.fixture
def client():
    with app.test_client() as client:
        yield client


def test_echo(client):
    with client.websocket_connect("/ws/echo") as ws:
        ws.send_text("hello")
        assert ws.receive_text() == "hello"


def test_the_app_closes(client):
    with client.websocket_connect("/ws/echo") as ws:
        ws.send_text("bye")
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    assert info.value.code == 4000


def test_a_foreign_page_is_refused(client):
    foreign = {"Origin": "https://evil.example"}
    with pytest.raises(WebSocketRejected) as info, client.websocket_connect("/ws/echo", foreign):
        pass
    assert info.value.status == 403
