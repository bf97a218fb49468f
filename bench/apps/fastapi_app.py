"""FastAPI anchor (ASGI), async path operations with typed parameters."""

from typing import Annotated

from common import JINJA_DIR, MESSAGE, PLAINTEXT, ROUTE_COUNT, ROWS
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates

app = FastAPI()
templates = Jinja2Templates(directory=JINJA_DIR)


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return PLAINTEXT


@app.get("/json")
async def json():
    return MESSAGE


def make_route(number):
    async def route(item_id: int):
        return {"route": number, "id": item_id}

    route.__name__ = f"route_{number}"
    return route


for i in range(ROUTE_COUNT):
    app.get(f"/r{i}/{{item_id}}")(make_route(i))


@app.get("/template", response_class=HTMLResponse)
async def template(request: Request):
    return templates.TemplateResponse(request, "table.html", {"rows": ROWS})


@app.post("/form")
async def form(
    f0: Annotated[str, Form()],
    f1: Annotated[str, Form()],
    f2: Annotated[str, Form()],
    f3: Annotated[str, Form()],
    f4: Annotated[str, Form()],
    f5: Annotated[str, Form()],
    f6: Annotated[str, Form()],
    f7: Annotated[str, Form()],
    f8: Annotated[str, Form()],
    f9: Annotated[str, Form()],
):
    return {
        "f0": f0, "f1": f1, "f2": f2, "f3": f3, "f4": f4,
        "f5": f5, "f6": f6, "f7": f7, "f8": f8, "f9": f9,
    }  # fmt: skip


asgi = app
