import asyncio

from cupola import Cupola, StreamingResponse

app = Cupola(__name__)


@app.get("/count")
def count():
    def numbers():
        for n in range(3):
            yield f"{n}\n"

    return StreamingResponse(numbers(), content_type="text/plain; charset=utf-8")


@app.get("/events")
async def events():
    async def ticks():
        for n in range(3):
            await asyncio.sleep(0)
            yield f"data: tick {n}\n\n"

    return StreamingResponse(ticks(), content_type="text/event-stream")
