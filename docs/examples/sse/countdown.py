import asyncio

from cupola import Cupola
from cupola.channels import EventStream, ServerSentEvent

app = Cupola(__name__)


@app.get("/countdown/<int:start>")
def countdown(start):
    async def events():
        for n in range(start, 0, -1):
            yield ServerSentEvent({"left": n}, event="tick", id=str(n))
            await asyncio.sleep(0.01)
        yield ServerSentEvent("Lift-off!\nWell done.", event="done", retry=10_000)

    return EventStream(events())


@app.get("/log")
def log_lines():
    def lines():  # a sync generator is read in a worker thread
        with open(__file__, encoding="utf-8") as source:
            for number, line in enumerate(source, 1):
                yield {"data": line.rstrip("\n"), "id": str(number)}

    return EventStream(lines(), ping=None)
