import asyncio
import threading

from cupola import Cupola, g

app = Cupola(__name__)


def where():
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    return {"thread": threading.current_thread().name, "loop": id(loop) if loop else None}


@app.before_request
def note_hook_thread():
    g.hook = where()


@app.get("/sync")
def sync_view():
    return {"hook": g.hook, "view": where()}


@app.get("/async")
async def async_view():
    return {"hook": g.hook, "view": where()}
