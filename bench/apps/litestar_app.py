"""Litestar anchor (ASGI), async handlers with typed parameters."""

from typing import Annotated

from common import FORM_FIELDS, JINJA_DIR, MESSAGE, PLAINTEXT, ROUTE_COUNT, ROWS
from litestar import Litestar, MediaType, get, post
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from litestar.template.config import TemplateConfig


@get("/plaintext", media_type=MediaType.TEXT)
async def plaintext() -> str:
    return PLAINTEXT


@get("/json")
async def json() -> dict[str, str]:
    return MESSAGE


def make_route(number):
    @get(f"/r{number}/{{item_id:int}}", name=f"route_{number}")
    async def route(item_id: int) -> dict[str, int]:
        return {"route": number, "id": item_id}

    return route


@get("/template")
async def template() -> Template:
    return Template(template_name="table.html", context={"rows": ROWS})


@post("/form", status_code=200)
async def form(
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> dict[str, str | None]:
    return {name: data.get(name) for name in FORM_FIELDS}


app = Litestar(
    route_handlers=[
        plaintext,
        json,
        *(make_route(i) for i in range(ROUTE_COUNT)),
        template,
        form,
    ],
    template_config=TemplateConfig(directory=JINJA_DIR, engine=JinjaTemplateEngine),
)

asgi = app
