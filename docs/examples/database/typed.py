from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cupola import Cupola
from cupola.db import NAMING_CONVENTION, Database, SnakeCaseTableName


class Base(SnakeCaseTableName, DeclarativeBase):
    """The models' base, a class mypy can check (db.Model is an attribute)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ReadingList(Base):  # table "reading_list"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


app = Cupola(__name__)
db = Database(app, model_class=Base)


@app.get("/lists/<int:list_id>")
def show_list(list_id: int) -> dict[str, object]:
    reading_list = db.get_or_404(ReadingList, list_id)
    return {"id": reading_list.id, "name": reading_list.name}
