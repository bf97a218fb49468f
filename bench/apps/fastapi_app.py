"""FastAPI anchor (ASGI), async path operations with typed parameters.

The REST scenarios are written as FastAPI's SQL tutorial teaches: a SQLAlchemy ORM session
per request from a dependency, pydantic models in and out, sync path operations (run in
the thread pool); the list builds the page-number envelope by hand.
"""

import math
from typing import Annotated

from common import JINJA_DIR, MESSAGE, PLAINTEXT, REST_PAGE_SIZE, ROUTE_COUNT, ROWS, fresh_rest_db
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

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


engine = create_engine(
    f"sqlite:///{fresh_rest_db('fastapi')}", connect_args={"check_same_thread": False}
)
SessionLocal = sessionmaker(engine)


class Base(DeclarativeBase):
    pass


class ItemRow(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float]


class NoteRow(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float]


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    price: float


class ItemPage(BaseModel):
    count: int
    next: str | None
    previous: str | None
    results: list[ItemOut]


class NoteIn(BaseModel):
    name: str = Field(max_length=100)
    price: float


class NoteOut(NoteIn):
    model_config = ConfigDict(from_attributes=True)
    id: int


def get_session():
    with SessionLocal() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@app.get("/api/items/", response_model=ItemPage)
def list_items(request: Request, session: SessionDep, page: int = 1):
    count = session.scalar(select(func.count()).select_from(ItemRow))
    pages = max(1, math.ceil(count / REST_PAGE_SIZE))
    if not 1 <= page <= pages:
        raise HTTPException(status_code=404, detail="Invalid page.")
    statement = select(ItemRow).order_by(ItemRow.id)
    rows = session.scalars(statement.offset((page - 1) * REST_PAGE_SIZE).limit(REST_PAGE_SIZE))
    url = request.url
    next_url = str(url.include_query_params(page=page + 1)) if page < pages else None
    previous = None
    if page == 2:
        previous = str(url.remove_query_params("page"))
    elif page > 2:
        previous = str(url.include_query_params(page=page - 1))
    return ItemPage(count=count, next=next_url, previous=previous, results=rows.all())


@app.post("/api/notes/", status_code=201, response_model=NoteOut)
def create_note(note: NoteIn, session: SessionDep):
    row = NoteRow(**note.model_dump())
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


asgi = app
