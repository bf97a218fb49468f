from sqlalchemy import func, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database

app = Cupola(__name__, config={"DATABASE_URL": "sqlite+aiosqlite:///visits.db"})
db = Database(app)


class Visit(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str]


@app.post("/visits/<path:path>")
async def record(path):
    db.async_session.add(Visit(path=path))
    await db.async_session.commit()
    count = await db.async_session.scalar(select(func.count()).where(Visit.path == path))
    return {"path": path, "visits": count}


@app.get("/visits")
def report():  # a sync view: db.session, through the synchronous driver
    rows = db.session.execute(select(Visit.path, func.count()).group_by(Visit.path))
    return {path: count for path, count in rows}
