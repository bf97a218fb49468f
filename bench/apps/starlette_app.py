"""Starlette anchor (ASGI), async endpoints."""

from common import FORM_FIELDS, JINJA_DIR, MESSAGE, PLAINTEXT, ROUTE_COUNT, ROWS
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.templating import Jinja2Templates

templates = Jinja2Templates(directory=JINJA_DIR)


async def plaintext(request):
    return PlainTextResponse(PLAINTEXT)


async def json(request):
    return JSONResponse(MESSAGE)


def make_route(number):
    async def route(request):
        return JSONResponse({"route": number, "id": request.path_params["item_id"]})

    return route


async def template(request):
    return templates.TemplateResponse(request, "table.html", {"rows": ROWS})


async def form(request):
    async with request.form() as data:
        return JSONResponse({name: data.get(name) for name in FORM_FIELDS})


app = Starlette(
    routes=[
        Route("/plaintext", plaintext),
        Route("/json", json),
        *(Route(f"/r{i}/{{item_id:int}}", make_route(i)) for i in range(ROUTE_COUNT)),
        Route("/template", template),
        Route("/form", form, methods=["POST"]),
    ]
)

asgi = app
