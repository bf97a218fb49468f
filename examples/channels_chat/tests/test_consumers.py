import pytest
from channels.testing import WebsocketCommunicator
from chat.asgi import application

pytestmark = pytest.mark.anyio
# Browsers always send Host (RFC 6455 §4.1); the communicator sends only what it is given.
HEADERS = [(b"host", b"localhost")]


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def connect(path):
    communicator = WebsocketCommunicator(application, path, headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.parametrize("room", ["/ws/chat/lobby/", "/ws/async-chat/lobby/"])
async def test_a_message_reaches_everyone_in_the_room(room):
    alice = await connect(room)
    bob = await connect(room)
    await alice.send_json_to({"message": "hello"})
    assert await alice.receive_json_from() == {"message": "hello"}
    assert await bob.receive_json_from() == {"message": "hello"}
    await alice.disconnect()
    await bob.disconnect()


async def test_rooms_are_apart():
    here = await connect("/ws/chat/here/")
    there = await connect("/ws/async-chat/there/")
    await here.send_json_to({"message": "only here"})
    assert await here.receive_json_from() == {"message": "only here"}
    assert await there.receive_nothing()
    await here.disconnect()
    await there.disconnect()


async def test_sync_and_async_consumers_share_a_room():
    sync = await connect("/ws/chat/shared/")
    async_ = await connect("/ws/async-chat/shared/")
    await async_.send_json_to({"message": "from async"})
    assert await sync.receive_json_from() == {"message": "from async"}
    await sync.send_json_to({"message": "from sync"})
    assert await async_.receive_json_from() == {"message": "from async"}
    assert await async_.receive_json_from() == {"message": "from sync"}
    await sync.disconnect()
    await async_.disconnect()


async def test_the_url_route_kwargs():
    communicator = await connect("/ws/chat/room-42/")
    await communicator.send_json_to({"message": "/whoami"})
    assert await communicator.receive_json_from() == {"room": "room-42"}
    await communicator.disconnect()


async def test_bytes_frames():
    communicator = await connect("/ws/async-chat/bytes/")
    await communicator.send_to(bytes_data=b"abc")
    assert await communicator.receive_from() == b"cba"
    await communicator.disconnect()


async def test_a_refused_connection():
    communicator = WebsocketCommunicator(application, "/ws/async-chat/closed/", headers=HEADERS)
    connected, _ = await communicator.connect()
    assert not connected


async def test_groups_attribute_and_json_consumer():
    first = await connect("/ws/lobby/")
    second = await connect("/ws/lobby/")
    await first.send_json_to({"text": "welcome"})
    assert await first.receive_json_from() == {"announce": "welcome"}
    assert await second.receive_json_from() == {"announce": "welcome"}
    await first.disconnect()
    await second.disconnect()
